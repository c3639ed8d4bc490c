import { mkdirSync } from 'node:fs';
import { SUPPORTED_BACKENDS } from '../../agents/index.js';
import { redisUrlProblem, startWorker } from '../../cluster/index.js';
import { isLabel } from '../../cluster/names.js';
import { defaultConfig, loadConfig } from '../../config/index.js';
import { createAgentResolver } from '../../daemon/compose.js';
import { createPaths } from '../../paths/index.js';
import { CliError, Exit } from '../context.js';
import { workerDirFor } from './cluster.js';

export interface WorkerCommand {
  redis: string;
  jobs: number;
  name: string;
  labels: string[];
  agents: string[];
  repos: string[];
  dir?: string;
}

/** `orch worker` in the foreground: the agents of this machine's user config, until SIGINT/SIGTERM. */
export async function runWorkerCommand(o: WorkerCommand): Promise<void> {
  if (!o.redis) throw new CliError('no Redis URL: pass --redis redis://host:6379 (or set ORCH_REDIS_URL)', Exit.input);
  const bad = redisUrlProblem(o.redis);
  if (bad) throw new CliError(`--redis: ${bad}`, Exit.input);
  if (!Number.isInteger(o.jobs) || o.jobs < 1 || o.jobs > 64) throw new CliError('--jobs must be a whole number from 1 to 64', Exit.input);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(o.name)) throw new CliError(`--name "${o.name}": use letters, digits, ".", "-" and "_"`, Exit.input);
  const badLabel = o.labels.find((l) => !isLabel(l));
  if (badLabel) throw new CliError(`--labels: "${badLabel}" is not a label (lowercase letters, digits, - and _)`, Exit.input);
  if (o.repos.length === 0) throw new CliError('name the repositories this worker accepts jobs for: --repo URL (repeatable)', Exit.input);
  const unknown = o.agents.find((a) => !(SUPPORTED_BACKENDS as readonly string[]).includes(a));
  if (unknown) throw new CliError(`--agents: "${unknown}" is not an agent CLI Orch drives (${SUPPORTED_BACKENDS.join(', ')})`, Exit.input);

  const paths = createPaths(process.env);
  const dir = o.dir ?? workerDirFor(paths.dataDir, o.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The worker's own user config (agents, models, sandbox), never a project's: jobs carry no config.
  const loaded = loadConfig({ paths, root: dir });
  if (!loaded.ok) throw new CliError(loaded.error.message, Exit.input);
  const config = loaded.ok ? loaded.config : defaultConfig();
  const resolver = createAgentResolver(config, process.env);
  const backends = new Map<string, { backend: import('../../agents/index.js').AgentBackend; env: Record<string, string>; version?: string }>();
  for (const id of o.agents.length ? o.agents : SUPPORTED_BACKENDS) {
    const a = resolver(id);
    const c = await a.backend.check();
    if (!c.ok) {
      if (o.agents.length) throw new CliError(`--agents ${id}: ${c.error}`, Exit.input);
      continue;
    }
    backends.set(id, { backend: a.backend, env: a.env, ...(c.version ? { version: c.version } : {}) });
  }
  if (backends.size === 0) throw new CliError(`no agent CLI found on PATH (${SUPPORTED_BACKENDS.join(', ')}); install one or pass --agents`, Exit.input);
  const lockMs = Number(process.env.ORCH_WORKER_LOCK_MS) || undefined;
  const w = await startWorker({
    redisUrl: o.redis,
    name: o.name,
    jobs: o.jobs,
    labels: o.labels,
    backends,
    repos: o.repos,
    dir,
    ...(lockMs ? { lockMs } : {}),
    log: (l) => process.stderr.write(`[orch worker] ${l}\n`),
  });
  process.stdout.write(`worker ${o.name} ready: ${o.jobs} job(s) at once, agents ${[...backends.keys()].join(', ')}\n`);
  await new Promise<void>((resolveStop) => {
    let stops = 0;
    const onSignal = (): void => {
      stops++;
      if (stops === 1) process.stderr.write('[orch worker] stopping: waiting for running jobs (Ctrl+C again cancels them; their work is still returned)\n');
      void w.close(stops > 1).then(resolveStop);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
