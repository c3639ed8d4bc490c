/**
 * Scale-out: 40 tasks whose fake agent takes a fixed time, run by the whole `orch` CLI (`start --wait`) locally and
 * on 1, 2 and 4 `orch worker` processes through a real redis-server. Prints wall times, the speed-up against local,
 * and the queue's overhead per job over local dispatch at the same parallelism (target: under 100 ms per job).
 * Usage: node dist/bench/cluster.js [tasks=40] [agentMs=1500] [slots=1,2,4]. Exits 1 when the overhead target is
 * missed. Each row is printed as it is measured; a failed batch keeps its directory and prints its task list;
 * ORCH_BENCH_KEEP=1 keeps it after a good run too (run logs, daemon and worker logs, to see where a job's time goes);
 * ORCH_BENCH_PROF=dir runs each daemon under V8's profiler (dir/<setup>/*.cpuprofile). CPU per job is measured from
 * /proc (daemon, workers and Redis with their reaped children: git, agents), which a loaded machine disturbs less.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../src/cluster/testing/redis.js';
import { startWorkerProc, type WorkerProc } from '../src/cluster/testing/workers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..', '..');
const orchBin = join(root, 'bin', 'orch.js');
const tasks = Number(process.argv[2] ?? 40);
const agentMs = Number(process.argv[3] ?? 1500);
const slotList = (process.argv[4] ?? '1,2,4').split(',').map(Number);

function project(base: string, name: string, parallel: number, redis?: string): { repo: string; env: NodeJS.ProcessEnv } {
  const repo = join(base, name, 'repo');
  const bin = join(base, name, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(join(root, 'test', 'fixtures', 'fake-claude.mjs'), join(bin, 'claude'));
  for (let i = 0; i < tasks; i++) {
    const dir = join(repo, 'docs', 'plans', `m${i}-module`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'epic-01-work.md'), `# Work ${i}\n\nDo it. [[fake:slow=${agentMs}]]\n\n\`\`\`file:src/f${i}.txt\n${i}\n\`\`\`\n`);
  }
  mkdirSync(join(repo, '.orch'), { recursive: true });
  // The fake agent needs nothing from the environment here; `[agent] pass_env` is the user's to set, not a project's.
  writeFileSync(join(repo, '.orch', 'config.toml'), `max_parallel_agents = ${parallel}\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: join(base, name, 'home'),
    XDG_CONFIG_HOME: join(base, name, 'config'),
    XDG_STATE_HOME: join(base, name, 'state'),
    XDG_DATA_HOME: join(base, name, 'data'),
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@b',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@b',
    NO_COLOR: '1',
    ...(redis ? { ORCH_REDIS_URL: redis } : {}),
  };
  const g = (...a: string[]) => execFileSync('git', a, { cwd: repo, env });
  g('init', '-q', '-b', 'main');
  g('add', '-A');
  g('-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'plan');
  return { repo, env };
}

const orch = (p: { repo: string; env: NodeJS.ProcessEnv }, ...args: string[]) =>
  spawnSync(process.execPath, [orchBin, ...args], { cwd: p.repo, env: p.env, encoding: 'utf8', timeout: 1_800_000 });

/**
 * CPU time (user + system, its reaped children included: git, agents) a process has used so far, in ms; 0 when it is
 * gone. What a batch costs the machine, whatever else runs on it (wall times on a loaded machine mostly measure that).
 */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i] ?? 0), 0) * 10;
  } catch {
    return 0;
  }
}

/** The project daemon's pid, from its lock file. */
function daemonPid(p: { env: NodeJS.ProcessEnv }): number | undefined {
  const projects = join(p.env.XDG_STATE_HOME ?? '', 'orch', 'projects');
  for (const d of existsSync(projects) ? readdirSync(projects) : []) {
    const f = join(projects, d, 'daemon.lock.pid');
    if (existsSync(f)) return Number(readFileSync(f, 'utf8').trim()) || undefined;
  }
  return undefined;
}

/** Runs the plan with `start --wait`: its wall time, and the CPU the daemon and `others` (workers, Redis) used for it. */
async function timeStart(p: { repo: string; env: NodeJS.ProcessEnv }, others: Array<number | undefined> = []): Promise<{ ms: number; cpuMs: number }> {
  const prof = process.env.ORCH_BENCH_PROF;
  if (prof) {
    // The daemon under the V8 profiler (its profile written when it stops): `start` below uses it.
    orch(p, 'daemon', 'stop');
    spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${join(prof, basename(dirname(p.repo)))}`, join(root, 'dist', 'src', 'daemon', 'main.js'), '--root', p.repo, '--background'], { cwd: p.repo, env: p.env, detached: true, stdio: 'ignore' }).unref();
    const projects = join(p.env.XDG_STATE_HOME ?? '', 'orch', 'projects');
    const up = (): boolean => existsSync(projects) && readdirSync(projects).some((d) => existsSync(join(projects, d, 'daemon.json')));
    for (let i = 0; i < 300 && !up(); i++) await new Promise((r) => setTimeout(r, 100));
  }
  orch(p, 'sync');
  const pid = daemonPid(p);
  const beforeDaemon = cpuMs(pid);
  const beforeOthers = others.map(cpuMs);
  const before = beforeDaemon + beforeOthers.reduce((a, b) => a + b, 0);
  const t0 = performance.now();
  const r = await new Promise<number | null>((res) => spawn(process.execPath, [orchBin, 'start', '--wait'], { cwd: p.repo, env: p.env, stdio: 'ignore' }).once('close', res));
  const ms = performance.now() - t0;
  if (r !== 0) {
    const list = orch(p, 'list');
    // Why each task that did not complete stopped: the end of its run log (the worker's logs are kept beside it).
    const why = (JSON.parse(orch(p, 'list', '--json').stdout || '[]') as Array<{ id: string; status: string }>)
      .filter((t) => t.status !== 'complete')
      .map((t) => `--- ${t.id} (${t.status}):\n${orch(p, 'logs', t.id).stdout.trim().split('\n').slice(-12).join('\n')}`)
      .join('\n');
    throw new Error(`orch start --wait exited ${r} in ${p.repo} (kept):\n${list.stdout}${list.stderr}\n${why}`);
  }
  const cpu = cpuMs(pid) + others.reduce((s: number, o) => s + cpuMs(o), 0) - before;
  process.stderr.write(`  CPU: daemon ${cpuMs(pid) - beforeDaemon} ms (its git and agents included)${others.map((o, i) => `, ${i === others.length - 1 ? 'redis' : `worker ${i + 1}`} ${cpuMs(o) - (beforeOthers[i] ?? 0)} ms`).join('')}\n`);
  orch(p, 'daemon', 'stop');
  return { ms, cpuMs: cpu };
}

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'orch-bench-cluster-'));
  const redis = await startRedis();
  const rows: Array<{ setup: string; slots: number; ms: number; cpuMs: number }> = [];
  const row = (setup: string, slots: number, r: { ms: number; cpuMs: number }): void => {
    rows.push({ setup, slots, ...r });
    process.stderr.write(`${setup}: ${(r.ms / 1000).toFixed(1)} s, CPU ${(r.cpuMs / 1000).toFixed(1)} s\n`);
  };
  let failed = false;
  try {
    for (const slots of slotList) {
      row(`local, ${slots} at a time`, slots, await timeStart(project(base, `local-${slots}`, slots)));
      const p = project(base, `cluster-${slots}`, slots, redis.url);
      const workers: WorkerProc[] = [];
      for (let i = 0; i < slots; i++) workers.push(startWorkerProc({ base: join(base, `cluster-${slots}`), name: `b${slots}-${i}`, redis: redis.url, repos: [p.repo], env: p.env }));
      await Promise.all(workers.map((w) => w.ready));
      // Let the daemon see every worker before the batch starts.
      for (let i = 0; i < 100; i++) {
        const r = orch(p, 'workers', '--json');
        if ((JSON.parse(r.stdout || '{"workers":[]}') as { workers: unknown[] }).workers.length === slots) break;
        await new Promise((r2) => setTimeout(r2, 200));
      }
      try {
        row(`${slots} worker(s), 1 job each`, slots, await timeStart(p, [...workers.map((w) => w.child.pid), redis.child.pid]));
      } finally {
        await Promise.all(workers.map((w) => w.stop('SIGKILL')));
        for (const w of workers) writeFileSync(join(w.dir, 'worker.log'), w.log());
      }
    }
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await redis.stop();
    if (!failed && !process.env.ORCH_BENCH_KEEP) rmSync(base, { recursive: true, force: true });
    else process.stderr.write(`kept ${base}\n`);
  }
  const local1 = rows[0]?.ms ?? 1;
  process.stdout.write(
    `bench/cluster: ${tasks} tasks, fake agent ${agentMs} ms each\n\n| setup | wall | speed-up vs local x1 | overhead per job vs local at the same parallelism | CPU per job (daemon, workers, Redis, their git and agents) |\n|---|---|---|---|---|\n`,
  );
  let worst = 0;
  for (const r of rows) {
    const local = rows.find((x) => x.slots === r.slots && x.setup.startsWith('local'));
    const overhead = r.setup.startsWith('local') || !local ? undefined : ((r.ms - local.ms) * r.slots) / tasks;
    if (overhead !== undefined) worst = Math.max(worst, overhead);
    const cpu = `${Math.round(r.cpuMs / tasks)} ms${local && local !== r ? ` (${r.cpuMs >= local.cpuMs ? '+' : ''}${Math.round((r.cpuMs - local.cpuMs) / tasks)} ms)` : ''}`;
    process.stdout.write(`| ${r.setup} | ${(r.ms / 1000).toFixed(1)} s | ${(local1 / r.ms).toFixed(2)}x | ${overhead === undefined ? '' : `${Math.round(overhead)} ms`} | ${cpu} |\n`);
  }
  process.stdout.write(`\nworst queue overhead per job: ${Math.round(worst)} ms (target < 100 ms)\n`);
  process.exitCode = worst < 100 ? 0 : 1;
}

await main();
