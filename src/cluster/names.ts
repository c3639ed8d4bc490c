import { createHash } from 'node:crypto';

/** BullMQ key prefix and Redis key names: every name the cluster uses derives from here. */
export const PREFIX = 'orch';
export const WORKERS_KEY = `${PREFIX}:workers`;
export const CANCEL_CHANNEL = `${PREFIX}:cancel`;
/** A worker whose heartbeat is older than this is gone. */
export const WORKER_TTL_MS = 15_000;
export const HEARTBEAT_MS = 3_000;

/**
 * The wire protocol between a daemon and its workers: the shape of jobs, results, output entries and queue names.
 * Bump it on any change either side reads; a daemon and a worker of different protocols never share a queue (the
 * queue names carry it), the daemon counts only workers of its own protocol, and a worker refuses any job of another.
 */
export const PROTOCOL = 3;

/**
 * The daemon's hint that a repository's target branch moved (a merge, a plan status commit): `WarmHint` JSON. A worker
 * with a free slot fetches it into its cache then, so the next job's start commit is already there (no fetch on the
 * way to the agent). Only a hint: a worker that misses it fetches when the job comes, as before.
 */
export const WARM_CHANNEL = `${PREFIX}:v${PROTOCOL}:warm`;
export interface WarmHint {
  repoUrl: string;
  ref: string;
  sha: string;
}

const LABEL = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const isLabel = (s: string): boolean => LABEL.test(s);

/** A short, stable name for a repository URL: each repository has queues of its own, taken only by workers serving it. */
export const repoKey = (repoUrl: string): string => createHash('sha256').update(repoUrl).digest('hex').slice(0, 12);

/** The queue for agent jobs of one repository and backend that need exactly these labels (sorted, deduplicated). */
export const agentQueue = (repoUrl: string, backend: string, labels: readonly string[] = []): string =>
  labelled(`v${PROTOCOL}.agent.${repoKey(repoUrl)}.${backend}`, labels);
/** Build, test and lint jobs of one repository that need exactly these labels: taken only by workers serving it. */
export const commandQueue = (repoUrl: string, labels: readonly string[] = []): string => labelled(`v${PROTOCOL}.command.${repoKey(repoUrl)}`, labels);
/** Jobs pinned to one worker (a session that lives there). */
export const pinnedQueue = (worker: string): string => `v${PROTOCOL}.pinned.${worker.replace(/[^A-Za-z0-9_-]/g, '_')}`;

const labelled = (base: string, labels: readonly string[]): string => {
  const set = [...new Set(labels)].sort();
  return set.length ? `${base}.${set.join('+')}` : base;
};

/** Every label set a worker with `labels` can serve: all subsets (labels are few; capped at 5 -> 32 queues). */
export function labelSubsets(labels: readonly string[]): string[][] {
  const set = [...new Set(labels)].sort().slice(0, 5);
  const out: string[][] = [];
  for (let mask = 0; mask < 1 << set.length; mask++) out.push(set.filter((_, i) => mask & (1 << i)));
  return out;
}

export const outputStream = (jobId: string): string => `${PREFIX}:out:${jobId}`;
/** The command jobs of one run, newest first (`job_logs` reads only these). */
export const runJobsKey = (runId: string): string => `${PREFIX}:runjobs:${runId}`;
/** A job id stable across daemon restarts for the same turn: re-adding it attaches to the job already queued. */
export const jobIdFor = (runId: string, ...parts: string[]): string =>
  `${runId.replace(/[^A-Za-z0-9_-]/g, '_')}-${createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 12)}`;
export const jobRef = (jobId: string): string => `refs/orch/jobs/${jobId}`;
export const outRef = (jobId: string): string => `refs/orch/out/${jobId}`;
