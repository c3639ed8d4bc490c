import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterStatus } from '../../api/cluster.js';
import { commandEnv, createAgentResolver, sanitizeEnv, SUPPORTED_BACKENDS, type AgentBackend } from '../../agents/index.js';
import { createSandboxer, worktreeGitDir } from '../../sandbox/index.js';
import { redisUrlProblem, startWorker } from '../../cluster/index.js';
import { connect, firstConnection, lastRedisError, redactRedisUrl } from '../../cluster/connection.js';
import { isLabel } from '../../cluster/names.js';
import { loadConfig } from '../../config/index.js';
import { createRunner } from '../../git/index.js';
import { createPaths } from '../../paths/index.js';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { dim, green, red, plural } from '../format.js';

/** The oldest git a worker runs with (fetch --no-write-fetch-head and --no-auto-maintenance, git maintenance). */
const MIN_GIT = [2, 29] as const;

const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

interface WorkerFlags { redis?: string; jobs: string; name?: string; labels?: string; agents?: string; repo: string[]; dir?: string }

/** `orch worker` in the foreground: the agents of this machine's user config (never a project's), until SIGINT/SIGTERM. */
export async function worker(_globals: () => GlobalOptions, f: WorkerFlags): Promise<void> {
  const redis = f.redis ?? process.env.ORCH_REDIS_URL ?? '';
  const jobs = Number(f.jobs);
  const name = f.name ?? `${hostname()}-${process.pid}`;
  const labels = list(f.labels);
  const agents = list(f.agents);
  const repos = f.repo.map((r) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(r) || /^[^/]+@[^/]+:/.test(r) ? r : resolve(r)));
  if (!redis) throw new CliError('no Redis URL: pass --redis redis://host:6379 (or set ORCH_REDIS_URL)', Exit.input);
  const bad = redisUrlProblem(redis);
  if (bad) throw new CliError(`--redis: ${bad}`, Exit.input);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new CliError(`--jobs ${f.jobs}: must be a whole number from 1 to 64`, Exit.input);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new CliError(`--name "${name}": use letters, digits, ".", "-" and "_"`, Exit.input);
  const badLabel = labels.find((l) => !isLabel(l));
  if (badLabel) throw new CliError(`--labels: "${badLabel}" is not a label (lowercase letters, digits, - and _)`, Exit.input);
  if (repos.length === 0) throw new CliError('name the repositories this worker accepts jobs for: --repo URL (repeatable)', Exit.input);
  const unknown = agents.find((a) => !(SUPPORTED_BACKENDS as readonly string[]).includes(a));
  if (unknown) throw new CliError(`--agents: "${unknown}" is not an agent CLI Orch drives (${SUPPORTED_BACKENDS.join(', ')})`, Exit.input);

  // A wrong password or certificate is said now, not by a worker that looks ready and never takes a job.
  // Every job runs git here: one too old fails every job with an unknown option; say it now.
  const git = await createRunner().run(['--version'], { cwd: process.cwd() }).catch(() => undefined);
  const version = /git version (\d+)\.(\d+)/.exec(git?.stdout ?? '');
  if (!git || git.exitCode !== 0 || !version) throw new CliError(`git is not installed here (${(git?.stderr ?? 'not found on PATH').trim()}): a worker needs git ${MIN_GIT.join('.')} or newer`, Exit.input);
  if (Number(version[1]) * 1000 + Number(version[2]) < MIN_GIT[0] * 1000 + MIN_GIT[1]) {
    throw new CliError(`${git.stdout.trim()} on this machine is too old for a worker: it needs git ${MIN_GIT.join('.')} or newer (fetch --no-write-fetch-head, maintenance); install a newer git`, Exit.input);
  }

  // Redis not there yet (a machine starting up, Redis restarting) is waited for, and said.
  const probe = connect(redis, { name: `orch-worker-probe:${name}` });
  try {
    const ready = (): boolean => probe.status === 'ready';
    for (let waited = 0; !ready(); waited++) {
      await firstConnection(probe, waited === 0 ? 3000 : 30_000);
      if (ready()) break;
      const why = lastRedisError(probe);
      process.stderr.write(`[orch worker] Redis at ${redactRedisUrl(redis)} is unreachable${why ? ` (${why})` : ''}; ${waited === 0 ? 'waiting for it (start Redis, or check --redis and the network; Ctrl+C stops)' : 'still waiting'}\n`);
    }
  } catch (e) {
    throw new CliError(`--redis ${redactRedisUrl(redis)}: ${(e as Error).message}`, Exit.input);
  } finally {
    probe.disconnect();
  }

  const paths = createPaths(process.env);
  const dir = f.dir ? resolve(f.dir) : join(paths.dataDir, 'worker', name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const loaded = loadConfig({ paths, root: dir });
  if (!loaded.ok) throw new CliError(loaded.error.message, Exit.input);
  const resolver = createAgentResolver(loaded.config, process.env);
  const backends = new Map<string, { backend: AgentBackend; env: Record<string, string>; version?: string }>();
  for (const id of agents.length ? agents : SUPPORTED_BACKENDS) {
    const a = resolver(id);
    const c = await a.backend.check();
    if (!c.ok) {
      if (agents.length) throw new CliError(`--agents ${id}: ${c.error}`, Exit.input);
      continue;
    }
    backends.set(id, { backend: a.backend, env: a.env, ...(c.version ? { version: c.version } : {}) });
  }
  if (backends.size === 0) throw new CliError(`no agent CLI found on PATH (${SUPPORTED_BACKENDS.join(', ')}); install one or pass --agents`, Exit.input);
  const lockMs = Number(process.env.ORCH_WORKER_LOCK_MS) || undefined;
  const cfg = loaded.config;
  // Agents and the build, test and lint of the repositories it serves run as they would locally: inside the same
  // sandbox (the job's worktree and the cache's objects writable, an agent's MCP config readable; the worker's home,
  // Orch's directories and other jobs hidden), commands with the worker's own sanitised environment.
  const sandbox = createSandboxer(cfg.sandbox.mode, process.env.PATH ?? '', undefined, { mode: cfg.sandbox.network, allowHosts: cfg.sandbox.allow_hosts });
  const contain = (p: { worktree: string; cache: string; backendId?: string; configDir?: string; endpoints?: string[] }) => {
    const gitDir = worktreeGitDir(p.worktree);
    return sandbox.contain({
      worktree: p.worktree,
      orchDirs: [paths.stateDir, paths.dataDir, paths.configDir, dir],
      commonDir: p.cache,
      ...(gitDir ? { gitDir } : {}),
      ...(p.backendId ? { backendId: p.backendId } : {}),
      ...(p.configDir ? { configDir: p.configDir } : {}),
      ...(p.endpoints ? { endpoints: p.endpoints } : {}),
      extraWritable: cfg.sandbox.writable,
    });
  };
  const commands = {
    env: commandEnv(sanitizeEnv(process.env, cfg.agent.env, { allow: cfg.agent.pass_env }), cfg.agent.pass_env),
    contain,
  };
  const w = await startWorker({
    contain,
    redisUrl: redis,
    name,
    jobs,
    labels,
    backends,
    repos,
    dir,
    commands,
    ...(lockMs ? { lockMs } : {}),
    log: (l) => process.stderr.write(`[orch worker] ${l}\n`),
  });
  process.stdout.write(`worker ${name} ready: ${plural(Number(jobs), 'job')} at once, agents ${[...backends.keys()].join(', ')}, build/test/lint (sandbox for agents and commands: ${sandbox.mode})\n`);
  await new Promise<void>((done) => {
    let stops = 0;
    const onSignal = (): void => {
      stops++;
      if (stops === 1) process.stderr.write('[orch worker] stopping: waiting for running jobs (Ctrl+C again cancels them; their work is still returned)\n');
      void w.close(stops > 1).then(done);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `orch workers`: the daemon's view of the cluster. */
export async function workers(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const s = await c.get('/api/workers', ClusterStatus);
  if (o.json || globals().json) printJson(s);
  else if (!s.url) process.stdout.write(`${s.error ?? 'no cluster configured'}\n`);
  else {
    process.stdout.write(`cluster ${s.url}: ${s.available ? green('available') : red(`unavailable: ${s.error ?? ''}`)}${s.available ? '' : dim(' (agents run on this machine meanwhile)')}\n`);
    process.stdout.write(`code from ${s.repoUrl}\n`);
    if (s.workers.length === 0 && s.available) process.stdout.write('no workers: start one with `orch worker --redis URL --repo URL`\n');
    for (const w of s.workers) {
      const agents = w.agents.map((a) => (a.version ? `${a.id} ${a.version}` : a.id)).join(', ');
      process.stdout.write(`${w.name} (${w.host}) ${w.running.length}/${w.jobs} busy  agents: ${agents || '-'}${w.labels.length ? `  labels: ${w.labels.join(',')}` : ''}\n`);
      if (s.protocol !== undefined && w.protocol !== s.protocol) {
        process.stdout.write(red(`  incompatible: it runs ${w.orch ? `Orch ${w.orch}` : 'an older Orch'} (job protocol ${w.protocol ?? 1}), the daemon Orch ${s.orch ?? '?'} (protocol ${s.protocol}); it takes none of these jobs: run the same Orch version on both\n`));
      }
      else if (w.repos.length && !w.repos.includes(s.repoUrl)) {
        process.stdout.write(red(`  takes none of these jobs: it serves ${w.repos.join(', ')}, and this project's code is fetched from ${s.repoUrl}; start it with --repo ${s.repoUrl} (or set [cluster] repo_url)\n`));
      }
      for (const r of w.running) process.stdout.write(`  ${r.taskId ?? r.id}  since ${r.startedAt}\n`);
    }
  }
  process.exitCode = !s.url ? Exit.input : s.available ? Exit.ok : Exit.failed;
}
