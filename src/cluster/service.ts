import { plural } from '../api/index.js';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { ResolvedAgent } from '../engine/index.js';
import { connect, lastRedisError, redactRedisUrl, redisErrorHint } from './connection.js';
import type { ClusterStatus, WorkerInfo } from '../api/cluster.js';
export type { ClusterStatus };
import { PREFIX, PROTOCOL, WARM_CHANNEL, type WarmHint } from './names.js';
import { compatible, listWorkers, serves } from './registry.js';
import { createRunner } from '../git/index.js';
import { readRefFile } from './refs.js';
import type { Event } from '../api/events.js';
import { VERSION } from '../version.js';
import { remoteBackend } from './remote.js';
import { runCommandRemote, type CommandRequest } from './command-remote.js';
import { runJobLogs, runWorkersView } from './run-views.js';
import type { CommandAnswer, JobLogs, RunWorkers } from '../api/cluster.js';
import { serveRepository } from './git-daemon.js';

export interface ClusterConfig {
  redis_url: string;
  repo_url: string;
  labels: string[];
  git_daemon: string;
}


const REFRESH_MS = 2000;
/** The target branch is told to workers once no event moved it for this long, or this long after the first one. */
const WARM_QUIET_MS = 250;
const WARM_MAX_WAIT_MS = 1000;

/**
 * The daemon's side of the cluster: a Redis connection that reconnects with backoff, the live worker list
 * refreshed in the background, and agents wrapped so their turns go to workers when any can take them.
 * Without Redis (or without workers) every turn runs here, as it does with no cluster at all.
 */
export function createClusterService(o: {
  cfg: ClusterConfig;
  /** `agent.timeout_minutes`: a worker ends a turn still going a minute after it. */
  agentTimeoutMs?: number;
  root: string;
  projectKey: string;
  stateDir: string;
  /** The branch runs start from: workers with a free slot fetch it when it moves (WARM_CHANNEL). */
  targetBranch?: string;
  /** The repository's common git directory, where its refs are read. */
  commonDir?: string;
  log: (m: string) => void;
}) {
  const url = o.cfg.redis_url;
  const redis = connect(url, { name: 'orch-daemon' });
  const queues = new Map<string, Queue>();
  const queueConn = connect(url, { blocking: true, name: 'orch-daemon-queues' });
  const queue = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: queueConn, prefix: PREFIX });
      q.on('error', () => undefined);
      queues.set(name, q);
    }
    return q;
  };
  let workers: WorkerInfo[] | undefined;
  let error: string | undefined = 'connecting';
  let wasAvailable = false;
  const told = new Set<string>();
  const refresh = async (): Promise<void> => {
    try {
      if (redis.status !== 'ready') {
        const last = lastRedisError(redis);
        const why = last ? `: ${redisErrorHint(last) ?? last}` : '';
        throw new Error(`Redis at ${redactRedisUrl(url)} is ${redis.status === 'reconnecting' ? 'unreachable (reconnecting)' : redis.status}${why}`);
      }
      workers = await listWorkers(redis);
      for (const w of workers) {
        if (compatible(w) || told.has(w.name)) continue;
        told.add(w.name);
        o.log(`cluster: worker ${w.name} runs ${w.orch ? `Orch ${w.orch}` : 'an older Orch'} (job protocol ${w.protocol ?? 1}), this daemon Orch ${VERSION} (protocol ${PROTOCOL}): it takes none of this daemon's jobs until both run the same version`);
      }
      error = undefined;
      if (!wasAvailable) o.log(`cluster: connected to ${redactRedisUrl(url)}, ${plural(workers.length, 'worker')}`);
      wasAvailable = true;
    } catch (e) {
      workers = undefined;
      error = (e as Error).message;
      if (wasAvailable) o.log(`cluster unavailable: ${error}; running agents here meanwhile`);
      wasAvailable = false;
    }
  };
  const first = new Promise<void>((r) => {
    redis.once('ready', () => r());
    setTimeout(r, 1200).unref();
  }).then(refresh);
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  timer.unref();
  const sessions = new Map<string, string>();
  const onWorker = new Set<string>();
  const served = o.cfg.git_daemon ? serveRepository({ listen: o.cfg.git_daemon, root: o.root, log: o.log }) : undefined;
  const repoUrl = o.cfg.repo_url || served?.url() || o.root;

  // PERF: a job's start commit is usually the target branch's tip; a worker that fetched it when it moved has no
  // fetch to do on the way to the agent (a round trip to the coordinator or the forge per job otherwise).
  const git = createRunner();
  let warmed: string | undefined;
  let warmTimer: NodeJS.Timeout | undefined;
  let warmFirst: number | undefined;
  const warm = async (): Promise<void> => {
    warmTimer = undefined;
    warmFirst = undefined;
    if (!o.targetBranch || !workers?.some((w) => serves(w, { labels: o.cfg.labels, repoUrl }))) return;
    const ref = `refs/heads/${o.targetBranch}`;
    // PERF: the ref's file when it can be read (a spawn costs the daemon's main thread 15-30 ms on a loaded machine).
    const sha = (o.commonDir ? readRefFile(o.commonDir, ref) : undefined) ?? (await git.run(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd: o.root })).stdout.trim();
    if (!/^[0-9a-f]{40,64}$/.test(sha) || sha === warmed) return;
    warmed = sha;
    await redis.publish(WARM_CHANNEL, JSON.stringify({ repoUrl, ref, sha } satisfies WarmHint));
  };

  const status = (): ClusterStatus => ({ url: redactRedisUrl(url), repoUrl, available: error === undefined, ...(error ? { error } : {}), workers: workers ?? [], orch: VERSION, protocol: PROTOCOL });

  return {
    /** The first look at Redis and the workers, bounded: the daemon does not wait long for a cluster that is away. */
    ready: (ms = 1500): Promise<void> => Promise.race([first, new Promise<void>((r) => setTimeout(r, ms).unref())]),
    wrap(agent: ResolvedAgent): ResolvedAgent {
      return {
        ...agent,
        backend: remoteBackend(agent.backend, {
          redisUrl: url,
          root: o.root,
          projectKey: o.projectKey,
          repoUrl,
          labels: o.cfg.labels,
          tmpDir: join(o.stateDir, 'cluster'),
          // The daemon's own timer ends the turn (and cancels the job) first; the worker's is for a daemon that is gone.
          jobTimeoutMs: (o.agentTimeoutMs ?? 24 * 3600_000) + 60_000,
          workers: () => workers,
          redis,
          queue,
          sessions,
          onWorker,
          log: o.log,
        }),
      };
    },
    /** A run's build, test or lint on a worker, or `local` with the reason when none can take it. */
    runCommand(req: CommandRequest): Promise<CommandAnswer> {
      return runCommandRemote({ redisUrl: url, root: o.root, projectKey: o.projectKey, repoUrl, labels: o.cfg.labels, tmpDir: join(o.stateDir, 'cluster'), workers: () => workers, redis, queue, onWorker }, req);
    },
    /** What `job_logs` shows a run: its own command jobs only. */
    jobLogs: (runId: string, job: string | undefined, lines: number): Promise<JobLogs> => runJobLogs(redis, runId, job, lines),
    /** What `worker_status` shows a run. */
    runWorkers(): RunWorkers {
      return runWorkersView(status());
    },
    status,
    /**
     * The engine's events: a merge or a plan status commit moves the target branch, told to workers once it has
     * stood still for a moment. PERF: a merge is usually followed at once by the next task's status commit, which
     * the next job starts from: one fetch per worker for both, not two.
     */
    observe(e: Event): void {
      if (!(e.type === 'task.status' || (e.type === 'run.state' && e.data.to === 'cleanup'))) return;
      warmFirst ??= Date.now();
      if (warmTimer) clearTimeout(warmTimer);
      warmTimer = setTimeout(() => void warm().catch(() => undefined), Date.now() - warmFirst > WARM_MAX_WAIT_MS ? 0 : WARM_QUIET_MS);
      warmTimer.unref();
    },
    async close(): Promise<void> {
      clearInterval(timer);
      if (warmTimer) clearTimeout(warmTimer);
      served?.close();
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      redis.disconnect();
      queueConn.disconnect();
    },
  };
}
export type ClusterService = ReturnType<typeof createClusterService>;
