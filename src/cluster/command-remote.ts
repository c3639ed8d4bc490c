import { randomUUID } from 'node:crypto';
import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRunner } from '../git/index.js';
import { COMMAND_TIMEOUT_MS } from '../mcp/commands.js';
import type { CommandAnswer } from '../api/cluster.js';
import type { RemoteDeps } from './remote.js';
import { connect } from './connection.js';
import { CommandJobResult, type CommandJob } from './jobs.js';
import { CANCEL_CHANNEL, commandQueue, jobIdFor, jobRef, outputStream, PREFIX, PROTOCOL, runJobsKey } from './names.js';
import { VERSION } from '../version.js';
import { serves } from './registry.js';
import { readJob } from './job-state.js';
import { snapshotWorktree } from './snapshot.js';
import { readOutput } from './output.js';

/** What the daemon's side of a command job needs: the agent backend's wiring, minus sessions and its log. */
export type CommandDeps = Omit<RemoteDeps, 'sessions' | 'log' | 'onWorker' | 'jobTimeoutMs'> & {
  /** Runs whose agent turn is on a worker now: their MCP server runs there, and so do their commands. */
  onWorker: ReadonlySet<string>;
};

export interface CommandRequest {
  runId: string;
  kind: 'build' | 'test' | 'lint';
  /** The agent's worktree here. */
  worktree: string;
  /** The run's start commit: its `.orch/config.toml` says what the command is. */
  baseSha: string | null;
  signal: AbortSignal;
  /** A line for the run's log. */
  log: (line: string) => void;
}

/** A queued command no worker takes for this long runs next to the agent instead. */
export const UNTAKEN_MS = 10_000;
/** How long job outputs and the run's job list stay in Redis for `job_logs`. */
const KEEP_S = 86_400;
const cancelKey = (jobId: string): string => `${PREFIX}:canceled:${jobId}`;
const local = (reason: string): CommandAnswer => ({ where: 'local', reason });

/**
 * The daemon's side of a build, test or lint on a worker: snapshot the agent's worktree (its index and branch
 * untouched), publish it as `refs/orch/jobs/<job>`, queue the job, copy the worker's output into the run's log as it
 * comes, and answer with the worker's result. Anything that keeps a worker from running it answers "local".
 */
export async function runCommandRemote(d: CommandDeps, req: CommandRequest): Promise<CommandAnswer> {
  if (d.onWorker.has(req.runId)) return local('the agent runs on a worker: its commands run there, next to it');
  const live = d.workers();
  if (!live) return local('the cluster is unavailable');
  const want = { labels: d.labels, repoUrl: d.repoUrl };
  const servable = (): boolean => (d.workers() ?? []).some((w) => w.commands === true && serves(w, want));
  if (!servable()) return local(`no live worker takes command jobs for ${d.repoUrl}${d.labels.length ? ` with labels ${d.labels.join(',')}` : ''}`);
  if (!req.baseSha) return local('the run has no start commit yet');
  const git = createRunner();
  const ancestor = await git.run(['merge-base', '--is-ancestor', req.baseSha, 'HEAD'], { cwd: req.worktree });
  if (ancestor.exitCode !== 0) return local(`the run's start commit ${req.baseSha.slice(0, 10)} is not an ancestor of its worktree's HEAD`);
  const snap = await snapshotWorktree({ worktree: req.worktree, tmpDir: d.tmpDir });
  if (!snap.ok) return local(`could not snapshot the worktree: ${snap.error}`);
  const jobId = jobIdFor(req.runId, 'command', req.kind, snap.sha, randomUUID());
  const published = await git.run(['update-ref', jobRef(jobId), snap.sha], { cwd: d.root });
  if (published.exitCode !== 0) return local(`could not publish the snapshot: ${published.stderr.trim()}`);
  const job: CommandJob = {
    v: PROTOCOL, orch: VERSION, kind: 'command', command: req.kind, project: d.projectKey, repoUrl: d.repoUrl, fetchRef: jobRef(jobId),
    snapshotSha: snap.sha, baseSha: req.baseSha, runId: req.runId, labels: d.labels,
  };
  const queue = d.queue(commandQueue(d.repoUrl, d.labels));
  const reader = connect(d.redisUrl, { blocking: true, name: `orch-daemon-cmd:${jobId}` });
  try {
    try {
      await queue.add('command', job, { jobId, attempts: 1, removeOnComplete: { age: KEEP_S }, removeOnFail: { age: KEEP_S } });
      await d.redis.multi().lpush(runJobsKey(req.runId), JSON.stringify({ id: jobId, kind: req.kind, at: new Date().toISOString() })).ltrim(runJobsKey(req.runId), 0, 49).expire(runJobsKey(req.runId), KEEP_S).exec();
    } catch (e) {
      return local(`could not queue the command job on Redis: ${(e as Error).message}`);
    }
    req.log(`[orch cluster] run_${req.kind} queued as job ${jobId} (snapshot ${snap.sha.slice(0, 10)} of ${snap.head.slice(0, 10)} and the worktree's changes)`);
    return await follow(d, req, { jobId, queue, reader, servable });
  } finally {
    reader.disconnect();
    await git.run(['update-ref', '-d', jobRef(jobId)], { cwd: d.root });
    await d.redis.expire(outputStream(jobId), KEEP_S).catch(() => undefined);
  }
}

async function follow(d: CommandDeps, req: CommandRequest, j: { jobId: string; queue: Queue; reader: Redis; servable: () => boolean }): Promise<CommandAnswer> {
  const { jobId } = j;
  const giveUp = async (): Promise<void> => {
    await d.redis.set(cancelKey(jobId), '1', 'EX', KEEP_S).catch(() => undefined);
    await d.redis.publish(CANCEL_CHANNEL, jobId).catch(() => undefined);
    const found = await Job.fromId(j.queue, jobId).catch(() => undefined);
    await found?.remove().catch(() => undefined);
  };
  let last = '0';
  let worker: string | undefined;
  // Once the worker says the command ended, its result is a moment away: look for it often.
  let ended = false;
  let untakenSince: number | undefined = Date.now();
  const deadline = Date.now() + COMMAND_TIMEOUT_MS + 5 * 60_000;
  const prefix = (): string => `[run_${req.kind}${worker ? ` on ${worker}` : ''}] `;
  const drain = async (block?: number): Promise<void> => {
    const got = await readOutput(j.reader, jobId, last, block);
    last = got.last;
    for (const e of got.entries) {
      if (e.k === 'line') req.log(`${prefix()}${e.l}`);
      else if (e.k === 'end') ended = true;
      else if (e.k === 'start') {
        worker = e.worker;
        ended = false;
        req.log(`[orch cluster] run_${req.kind} running on worker ${e.worker}${e.attempt > 1 ? ` (attempt ${e.attempt}: the previous worker was lost)` : ''}`);
      }
    }
  };
  for (;;) {
    if (req.signal.aborted) {
      await giveUp();
      return local('the agent stopped waiting');
    }
    if (Date.now() > deadline) {
      await giveUp();
      return local(`worker ${worker ?? '(none)'} did not answer within ${Math.round((COMMAND_TIMEOUT_MS + 5 * 60_000) / 60_000)} min`);
    }
    try {
      await drain(ended ? 20 : 500);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
    let state: string;
    let found: Job | undefined;
    try {
      ({ state, job: found } = await readJob(j.queue, jobId));
    } catch {
      continue;
    }
    if (state === 'completed' && found) {
      await drain().catch(() => undefined);
      const parsed = CommandJobResult.safeParse(found.returnvalue);
      if (!parsed.success) return local(`the worker returned a result Orch does not understand: ${parsed.error.issues[0]?.message ?? ''}`);
      const r = parsed.data;
      if (!r.configured) return local(`${r.text} (worker ${r.worker}); using this daemon's config`);
      req.log(`[orch cluster] run_${req.kind} on worker ${r.worker}: ${r.text.split('\n')[0] ?? ''}`);
      return { where: 'worker', worker: r.worker, jobId, ok: r.ok, text: `${r.text}\n(ran on worker ${r.worker} as job ${jobId}; job_logs shows its whole output)`, ...(r.result ? { result: r.result } : {}) };
    }
    if (state === 'failed' || state === 'unknown') {
      await drain().catch(() => undefined);
      return local(state === 'failed' ? `the worker job failed: ${found?.failedReason || 'no reason given'}` : 'the job disappeared from Redis');
    }
    // Taken by a live worker: wait. Queued, or held by a worker that is gone with no other to retry it: the clock runs.
    const holderAlive = state === 'active' && (worker === undefined || (d.workers() ?? []).some((w) => w.name === worker));
    if (holderAlive || (state === 'active' && j.servable())) untakenSince = undefined;
    else if (untakenSince === undefined) untakenSince = Date.now();
    else if (Date.now() - untakenSince > UNTAKEN_MS) {
      await giveUp();
      req.log(`[orch cluster] no worker took run_${req.kind} for ${UNTAKEN_MS / 1000} s; running it here`);
      return local(`no worker took the job within ${UNTAKEN_MS / 1000} s`);
    }
  }
}
