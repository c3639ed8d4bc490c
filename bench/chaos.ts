/**
 * Chaos suite (issue 5): runs a plan of fake agents that commit real files, `kill -9`s the daemon or one agent at
 * random moments, restarts through the CLI each time, and at the end of every plan checks that nothing was lost,
 * duplicated or orphaned. Everything random comes from one seeded PRNG, so a seed replays a run.
 *
 *   node dist/bench/chaos.js --trials 100 --seed 42 [--tasks 12] [--parallel 3] [--keep] [--json]
 *
 * One trial is one loop iteration: `orch start`, sleep 0–2 s, one kill, `orch status` (which restarts and
 * recovers the daemon). When a plan is complete before the trial budget is used, a fresh project with a new plan
 * starts (a round), so the long form really makes its 100 kills. Exit 1 on any violation.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../src/agents/index.js';

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: small, fast, and good enough to pick sleeps and victims reproducibly. */
export function createRng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Integer in [min, max]. */
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[Math.floor(next() * xs.length)]),
  };
}
export type Rng = ReturnType<typeof createRng>;

const roundSeed = (seed: number, round: number): number => (seed ^ Math.imul(round + 1, 0x9e3779b9)) >>> 0;

// ---------------------------------------------------------------------------------------------------------------
// The project under test

const rootDir = ((): string => {
  // This file runs from bench/ (vitest) and from dist/bench/ (built): walk up to the package.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'orch.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('chaos: cannot find bin/orch.js above this file');
    dir = up;
  }
  return dir;
})();
const orchBin = join(rootDir, 'bin', 'orch.js');
const fakeClaude = join(rootDir, 'test', 'fixtures', 'fake-claude.mjs');

interface Exec {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const exec = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Exec> =>
  new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', (e) => {
      clearTimeout(timer);
      done({ status: null, stdout, stderr: stderr + String(e), timedOut });
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr, timedOut });
    });
  });

export interface Project {
  base: string;
  repo: string;
  env: NodeJS.ProcessEnv;
  agentLog: string;
  worktreesRoot: string;
  orch: (args: string[], timeoutMs?: number) => Promise<Exec>;
  git: (args: string[]) => Promise<string>;
}

/** A forge the suite can target. Only the local one exists today; a GitHub one adds its server and PR checks. */
export interface ChaosForge {
  name: string;
  /** Lines appended to the project's `.orch/config.toml`. */
  config: string;
  /** The branch that receives the merges, as the agents' target. */
  target: string;
  setup: (p: Project) => Promise<void>;
  /** Forge-side invariants (for example: no duplicate PRs). Each string is one violation. */
  check: (p: Project, taskIds: readonly string[]) => Promise<string[]>;
  teardown: (p: Project) => Promise<void>;
}

export const localForge: ChaosForge = {
  name: 'local',
  config: '',
  target: 'main',
  setup: async () => undefined,
  check: async () => [],
  teardown: async () => undefined,
};

export interface PlanTask {
  id: string;
  module: string;
  epic: number;
  dependsOn: string[];
  file: string;
}

const MODULES = ['core', 'api', 'web'] as const;

/** A plan of `n` tasks over three modules; each task depends on up to two earlier ones and writes its own files. */
export function generatePlan(rng: Rng, n: number): { files: Record<string, string>; tasks: PlanTask[] } {
  const tasks: PlanTask[] = [];
  const perModule = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const module = MODULES[i % MODULES.length] ?? 'core';
    const epic = (perModule.get(module) ?? 0) + 1;
    perModule.set(module, epic);
    const id = `${module}/E${String(epic).padStart(2, '0')}`;
    const deps = new Set<string>();
    const wanted = i === 0 ? 0 : rng.int(0, 2);
    for (let k = 0; k < wanted; k++) {
      const d = tasks[rng.int(Math.max(0, i - 5), i - 1)];
      if (d) deps.add(d.id);
    }
    tasks.push({ id, module, epic, dependsOn: [...deps], file: `${module}-module/epic-${String(epic).padStart(2, '0')}-t${i}.md` });
  }
  const files: Record<string, string> = {};
  let readme = '# Plan\n';
  for (const m of MODULES) {
    files[`docs/plans/${m}-module/00-overview.md`] = `# ${m}\n\nThe ${m} module.\n`;
    readme += `\n## ${m[0]?.toUpperCase()}${m.slice(1)}\n\n| Epic | Title | Status |\n|---|---|---|\n`;
    for (const t of tasks.filter((x) => x.module === m)) {
      const e = `E${String(t.epic).padStart(2, '0')}`;
      readme += `| [${e}](${t.file}) | Task ${t.id} | 🔴 |\n`;
      const slow = rng.int(200, 1500);
      // Plain data files: paths the review rules would send to a human (core/, entry points, exports) are avoided.
      const blocks = [
        [`work/${t.module}-${e.toLowerCase()}.txt`, `value ${rng.int(0, 1_000_000)}`],
        [`notes/${t.module}-${e.toLowerCase()}.md`, `chaos ${t.id}`],
      ]
        .map(([p, c]) => '```file:' + p + '\n' + c + '\n```')
        .join('\n\n');
      const front = t.dependsOn.length ? `---\ndepends_on: [${t.dependsOn.join(', ')}]\n---\n` : '';
      files[`docs/plans/${t.file}`] = `${front}# Task ${t.id}\n\nchaos-task: ${t.id} [[fake:slow=${slow}]]\n\n## Deliverables\n\n${blocks}\n`;
    }
  }
  files['docs/plans/README.md'] = readme;
  return { files, tasks };
}

async function createProject(files: Record<string, string>, forge: ChaosForge, maxParallel: number): Promise<Project> {
  const base = mkdtempSync(join(tmpdir(), 'orch-chaos-'));
  const repo = join(base, 'repo');
  const bin = join(base, 'bin');
  mkdirSync(repo, { recursive: true });
  mkdirSync(bin, { recursive: true });
  symlinkSync(fakeClaude, join(bin, 'claude'));
  const agentLog = join(base, 'agent.log');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${join(rootDir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    HOME: join(base, 'home'),
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_STATE_HOME: join(base, 'state'),
    XDG_DATA_HOME: join(base, 'data'),
    FAKE_CLAUDE_LOG: agentLog,
    GIT_AUTHOR_NAME: 'Chaos',
    GIT_AUTHOR_EMAIL: 'chaos@example.com',
    GIT_COMMITTER_NAME: 'Chaos',
    GIT_COMMITTER_EMAIL: 'chaos@example.com',
    NO_COLOR: '1',
  };
  const all = { ...files, '.orch/config.toml': `max_parallel_agents = ${maxParallel}\n${forge.config}\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n` };
  for (const [p, c] of Object.entries(all)) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), c);
  }
  const git = async (args: string[]): Promise<string> => {
    const r = await exec('git', args, repo, env, 60_000);
    if (r.status !== 0) throw new Error(`Command failed with exit code ${String(r.status)}: git ${args.join(' ')}\n${r.stderr.slice(-500)}`);
    return r.stdout;
  };
  await git(['init', '-q', '-b', forge.target]);
  await git(['config', 'commit.gpgsign', 'false']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'plan']);
  const p: Project = {
    base,
    repo,
    env,
    agentLog,
    worktreesRoot: join(base, 'data', 'orch', 'worktrees'),
    orch: (args, timeoutMs = 60_000) => exec(process.execPath, [orchBin, ...args], repo, env, timeoutMs),
    git,
  };
  await forge.setup(p);
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// Watching the agents

interface AgentEntry {
  pid: number;
  cwd: string;
  task: string | undefined;
  trial: number;
}

const procCwd = (pid: number): string | undefined => {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
};
const procEnviron = (pid: number): string[] => {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
};

/**
 * Polls the fake agent's log. The fake agent writes no end marker, so overlap is detected at the moment a new
 * invocation is first seen: an earlier invocation for the same task (same worktree or same task id) that is still
 * alive (not a zombie) in its own cwd then ran at the same time. A poll can miss a short overlap, never invent one.
 */
function watchAgents(p: Project, trialNow: () => number, onOverlap: (detail: string) => void) {
  const entries: AgentEntry[] = [];
  const live: AgentEntry[] = [];
  const taskOfCwd = new Map<string, string>();
  let lines = 0;
  const stillRunning = (e: AgentEntry): boolean => isAlive(e.pid) && procCwd(e.pid) === e.cwd;
  const poll = (): void => {
    if (!existsSync(p.agentLog)) return;
    const all = readFileSync(p.agentLog, 'utf8').split('\n');
    // The last element is a partial line (or ''): read it on the next poll.
    for (; lines < all.length - 1; lines++) {
      const raw = all[lines];
      if (!raw) continue;
      let rec: { pid: number; cwd: string; prompt?: string };
      try {
        rec = JSON.parse(raw) as { pid: number; cwd: string; prompt?: string };
      } catch {
        continue;
      }
      const task = /chaos-task: (\S+)/.exec(rec.prompt ?? '')?.[1] ?? taskOfCwd.get(rec.cwd);
      if (task) taskOfCwd.set(rec.cwd, task);
      const e: AgentEntry = { pid: rec.pid, cwd: rec.cwd, task, trial: trialNow() };
      for (const prev of live) {
        if (prev.pid === e.pid) continue;
        if (prev.cwd !== e.cwd && !(task && prev.task === task)) continue;
        if (stillRunning(prev)) {
          onOverlap(`agent pid ${e.pid} for ${task ?? e.cwd} started while pid ${prev.pid} (seen in trial ${prev.trial}, cwd ${prev.cwd}) was still running`);
        }
      }
      entries.push(e);
      live.push(e);
    }
    for (let i = live.length - 1; i >= 0; i--) if (!stillRunning(live[i]!)) live.splice(i, 1);
  };
  const timer = setInterval(poll, 25);
  return {
    poll,
    /** Agents of this project running now (alive, in their worktree, carrying a run id). */
    running: (): AgentEntry[] => {
      poll();
      return live.filter((e) => stillRunning(e) && procEnviron(e.pid).some((v) => v.startsWith('ORCH_RUN_ID=')));
    },
    count: () => entries.length,
    stop: () => clearInterval(timer),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

interface ListTask {
  id: string;
  status: string;
}
interface StatusJson {
  counts: Record<string, number>;
  active: Array<{ id: string; taskId: string; state: string; pid: number | null }>;
}

const parseJson = <T>(r: Exec, what: string): T => {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`orch ${what} --json printed no JSON (exit ${String(r.status)}):\n${r.stdout.slice(-500)}\n${r.stderr.slice(-1000)}`);
  }
};

/** Live processes (not zombies) that belong to this project: agents with a run id, or anything in its state dir. */
function ourProcesses(p: Project): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const env = procEnviron(pid);
    const run = env.some((v) => v.startsWith('ORCH_RUN_ID='));
    const mine = env.some((v) => v.includes(p.base));
    if (mine && (run || env.includes(`XDG_STATE_HOME=${p.env.XDG_STATE_HOME ?? ''}`)) && isAlive(pid)) found.push(pid);
  }
  return found;
}

const filesUnder = (dir: string): string[] => {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [join(dir, d.name), ...filesUnder(join(dir, d.name))] : [join(dir, d.name)]));
};

async function checkInvariants(p: Project, forge: ChaosForge, plan: PlanTask[], seenHeads: Map<string, { ref: string; trial: number }>): Promise<Array<{ invariant: string; detail: string }>> {
  const out: Array<{ invariant: string; detail: string }> = [];
  const bad = (invariant: string, detail: string): void => void out.push({ invariant, detail });
  const ids = plan.map((t) => t.id);

  // Store and plan README agree: every task complete in the store and 🟢 in the README on the target branch.
  const list = parseJson<ListTask[]>(await p.orch(['list', '--json']), 'list');
  for (const t of list) if (t.status !== 'complete') bad('store-complete', `${t.id} is ${t.status} in the store`);
  const readme = await p.git(['show', `refs/heads/${forge.target}:docs/plans/README.md`]);
  for (const t of plan) {
    const row = readme.split('\n').find((l) => l.includes(`](${t.file})`));
    if (!row) bad('readme', `${t.id}: no README row`);
    else if (!row.includes('🟢') || /🔴|🟡/u.test(row)) bad('readme', `${t.id}: README row is "${row.trim()}"`);
  }

  // Every task merged exactly once.
  const log = await p.git(['log', '--format=%B%x00', `refs/heads/${forge.target}`]);
  const merges = new Map<string, number>();
  for (const m of log.matchAll(/^Orch-Task: (\S+)\s*$/gm)) merges.set(m[1]!, (merges.get(m[1]!) ?? 0) + 1);
  for (const id of ids) if ((merges.get(id) ?? 0) !== 1) bad('merged-once', `${id} merged ${merges.get(id) ?? 0} times`);
  for (const id of merges.keys()) if (!ids.includes(id)) bad('merged-once', `unknown task ${id} merged`);

  // Every agent commit reachable from the target or a saved ref.
  const saved = (await p.git(['for-each-ref', '--format=%(refname)', 'refs/orch/saved'])).split('\n').filter(Boolean);
  const reachable = new Set((await p.git(['rev-list', `refs/heads/${forge.target}`, ...saved])).split('\n').filter(Boolean));
  for (const [sha, seen] of seenHeads) {
    if (!reachable.has(sha)) bad('reachable', `${sha.slice(0, 10)} (head of ${seen.ref} in trial ${seen.trial}) is on neither ${forge.target} nor a saved ref`);
  }

  for (const v of await forge.check(p, ids)) bad(`forge-${forge.name}`, v);

  // No process of ours left once the daemon is stopped.
  const stop = await p.orch(['daemon', 'stop'], 30_000);
  if (stop.status !== 0) bad('daemon-stop', `orch daemon stop exited ${String(stop.status)}: ${stop.stderr.trim().slice(-300)}`);
  let procs = ourProcesses(p);
  for (let i = 0; i < 20 && procs.length > 0; i++) {
    await sleep(100);
    procs = ourProcesses(p);
  }
  for (const pid of procs) bad('no-process', `pid ${pid} still running: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 200)}`);

  // No worktree left behind.
  const wts = (await p.git(['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree '));
  if (wts.length !== 1) bad('no-worktree', `git worktree list: ${wts.map((l) => l.slice(9)).join(', ')}`);
  const left = existsSync(p.worktreesRoot) ? readdirSync(p.worktreesRoot).flatMap((d) => filesUnder(join(p.worktreesRoot, d))) : [];
  if (left.length > 0) bad('no-worktree', `left in ${p.worktreesRoot}: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ` (+${left.length - 5})` : ''}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The loop

export interface ChaosOptions {
  seed: number;
  trials: number;
  tasks?: number;
  maxParallel?: number;
  forge?: ChaosForge;
  /** Time allowed for the plan to finish after the last trial. */
  finishTimeoutMs?: number;
  keep?: boolean;
  log?: (line: string) => void;
}

export interface Violation {
  invariant: string;
  detail: string;
  seed: number;
  round: number;
  trial: number;
}

export interface ChaosReport {
  seed: number;
  trials: number;
  rounds: number;
  tasks: number;
  kills: { daemon: number; agent: number };
  /** Agent kills that left the task failed, retried with an explicit `orch start <task>`. */
  retries: number;
  agentsSpawned: number;
  wallMs: number;
  violations: Violation[];
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const forge = o.forge ?? localForge;
  const nTasks = Math.max(10, o.tasks ?? 12);
  const report: ChaosReport = { seed: o.seed, trials: 0, rounds: 0, tasks: 0, kills: { daemon: 0, agent: 0 }, retries: 0, agentsSpawned: 0, wallMs: 0, violations: [] };

  while (report.trials < o.trials || report.rounds === 0) {
    const round = report.rounds++;
    const rng = createRng(roundSeed(o.seed, round));
    const plan = generatePlan(rng, nTasks);
    report.tasks += plan.tasks.length;
    const p = await createProject(plan.files, forge, o.maxParallel ?? 3);
    const violation = (invariant: string, detail: string): void => {
      const v = { invariant, detail, seed: o.seed, round, trial: report.trials };
      report.violations.push(v);
      log(`VIOLATION ${invariant} (seed ${o.seed}, round ${round}, trial ${v.trial}): ${detail}`);
    };
    const watcher = watchAgents(p, () => report.trials, (d) => violation('no-concurrent-agent', d));
    const seenHeads = new Map<string, { ref: string; trial: number }>();
    const recordHeads = async (): Promise<void> => {
      const refs = await p.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/feat']);
      for (const line of refs.split('\n').filter(Boolean)) {
        const [sha, ref] = line.split(' ');
        if (sha && ref && !seenHeads.has(sha)) seenHeads.set(sha, { ref, trial: report.trials });
      }
    };
    const cli = async (args: string[], timeoutMs?: number): Promise<Exec> => {
      const r = await p.orch(args, timeoutMs);
      if (r.status !== 0) violation('cli', `orch ${args.join(' ')} exited ${r.timedOut ? 'by timeout' : String(r.status)}: ${(r.stderr || r.stdout).trim().slice(-400)}`);
      return r;
    };
    /** Starts what is startable; a task failed by a killed agent is retried the way a user would. */
    const startAll = async (): Promise<{ done: boolean; busy: boolean }> => {
      const list = parseJson<ListTask[]>(await p.orch(['list', '--json']), 'list');
      const failed = list.filter((t) => t.status === 'failed').map((t) => t.id);
      if (list.every((t) => t.status === 'complete')) return { done: true, busy: false };
      await cli(['start']);
      if (failed.length > 0) {
        report.retries += failed.length;
        log(`  retry ${failed.join(' ')}`);
        await cli(['start', ...failed]);
      }
      return { done: false, busy: list.some((t) => t.status === 'in_progress') };
    };
    try {
      log(`round ${round}: ${plan.tasks.length} tasks in ${p.base}`);
      while (report.trials < o.trials) {
        const trial = report.trials;
        const { done } = await startAll();
        if (done) break;
        report.trials++;
        await sleep(rng.int(0, 2000));
        await recordHeads();
        let agents = watcher.running();
        const wantAgent = rng.next() < 0.5;
        // Between two agents (merging, restarting) there may be none: wait a little for the next one.
        for (let i = 0; wantAgent && agents.length === 0 && i < 40; i++) {
          await sleep(50);
          agents = watcher.running();
        }
        const victim = wantAgent ? rng.pick(agents) : undefined;
        if (victim) {
          report.kills.agent++;
          log(`trial ${trial}: kill -9 agent ${victim.pid} (${victim.task ?? victim.cwd})`);
          process.kill(victim.pid, 'SIGKILL');
        } else {
          const st = await p.orch(['daemon', 'status', '--json']);
          const d = st.status === 0 ? parseJson<{ pid?: number }>(st, 'daemon status') : {};
          if (d.pid) {
            report.kills.daemon++;
            log(`trial ${trial}: kill -9 daemon ${d.pid} (${agents.length} agent(s) running)`);
            process.kill(d.pid, 'SIGKILL');
            for (let i = 0; i < 100 && isAlive(d.pid); i++) await sleep(20);
          } else log(`trial ${trial}: no daemon to kill`);
        }
        await cli(['status']);
        await recordHeads();
      }
      // Let the plan finish: keep starting (and retrying) until every task is complete or time runs out.
      const deadline = Date.now() + (o.finishTimeoutMs ?? 180_000);
      let finished = false;
      while (Date.now() < deadline) {
        const { done, busy } = await startAll();
        if (done) {
          finished = true;
          break;
        }
        if (!busy) await cli(['start', '--wait'], Math.max(1000, deadline - Date.now()));
        else await sleep(300);
        await recordHeads();
      }
      if (!finished) violation('finish', `the plan did not finish within ${o.finishTimeoutMs ?? 180_000} ms after the last trial`);
      watcher.poll();
      for (const v of await checkInvariants(p, forge, plan.tasks, seenHeads)) violation(v.invariant, v.detail);
    } finally {
      watcher.stop();
      report.agentsSpawned += watcher.count();
      await p.orch(['daemon', 'stop'], 30_000).catch(() => undefined);
      await forge.teardown(p);
      if (!o.keep && report.violations.every((v) => v.round !== round)) rmSync(p.base, { recursive: true, force: true });
      else log(`kept ${p.base}`);
    }
  }
  report.wallMs = Date.now() - t0;
  return report;
}

export function formatReport(r: ChaosReport): string {
  const lines = [
    `chaos (seed ${r.seed}): ${r.trials} trials in ${r.rounds} round(s), ${r.tasks} tasks, ${r.agentsSpawned} agent processes`,
    `kills: ${r.kills.daemon} daemon, ${r.kills.agent} agent (${r.retries} failed task(s) retried)`,
    `wall time: ${(r.wallMs / 1000).toFixed(1)} s`,
    `violations: ${r.violations.length}`,
    ...r.violations.map((v) => `  [${v.invariant}] ${v.detail}\n    replay: node dist/bench/chaos.js --seed ${v.seed} --trials ${v.trial + 1} (round ${v.round}, trial ${v.trial})`),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '100' },
      seed: { type: 'string', default: '42' },
      tasks: { type: 'string', default: '12' },
      parallel: { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const report = await runChaos({
    seed: Number(values.seed),
    trials: Number(values.trials),
    tasks: Number(values.tasks),
    maxParallel: Number(values.parallel),
    keep: values.keep,
    log: values.quiet ? undefined : (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  process.exitCode = report.violations.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`chaos: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  });
}
