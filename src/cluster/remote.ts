import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRunner } from '../git/index.js';
import { emptyUsage, type AgentBackend, type AgentEvent, type AgentHandle, type AgentOutcome, type AgentRunRequest } from '../agents/index.js';
import { CHECKOUT_FAILED, readStatus } from './checkout.js';
import { applyPack } from './apply.js';
import { readOutput } from './output.js';
import { connect } from './connection.js';
import { AgentJobResult, type AgentJob } from './jobs.js';
import type { WorkerInfo } from '../api/cluster.js';
import { agentQueue, CANCEL_CHANNEL, jobIdFor, jobRef, outputStream, pinnedQueue, PREFIX, PROTOCOL } from './names.js';
import { VERSION } from '../version.js';
import { serves } from './registry.js';
import { readJob } from './job-state.js';

export interface RemoteDeps {
  redisUrl: string;
  /** The project's root checkout (its object store receives workers' bundles). */
  root: string;
  projectKey: string;
  repoUrl: string;
  labels: string[];
  tmpDir: string;
  /** How long a worker lets a turn run before it ends the agent itself. */
  jobTimeoutMs: number;
  /** Live workers as last seen (refreshed in the background): the choice local/remote is made from it. */
  workers: () => WorkerInfo[] | undefined;
  /** Redis for commands (not blocking reads). */
  redis: Redis;
  queue: (name: string) => Queue;
  /** Which worker holds which agent session (a resumed turn goes back there). */
  sessions: Map<string, string>;
  /** Runs whose turn is on a worker now (their MCP server, and so their build/test/lint, are there). */
  onWorker?: Set<string>;
  log: (line: string) => void;
}

const cancelKey = (jobId: string): string => `${PREFIX}:canceled:${jobId}`;
export const isCanceled = async (redis: Redis, jobId: string): Promise<boolean> => (await redis.exists(cancelKey(jobId))) === 1;

/**
 * An agent backend that sends the turn to a worker when one can take it, and runs it here otherwise. The handle has
 * no local pid (0): recovery after a daemon restart drives the run again, which attaches to the same job (the job
 * id derives from the run, its start commit and its prompt).
 */
export function remoteBackend(local: AgentBackend, d: RemoteDeps): AgentBackend {
  const pick = (req: AgentRunRequest): { queue: string; resume?: string } | undefined => {
    const workers = d.workers();
    if (!workers?.length) return undefined;
    const want = { backend: local.id, labels: d.labels, repoUrl: d.repoUrl };
    if (req.resumeSessionId) {
      // A session lives where it ran: back to that worker, or here when it ran here.
      const holder = d.sessions.get(req.resumeSessionId);
      if (!holder) return undefined;
      const w = workers.find((x) => x.name === holder && serves(x, want));
      return w ? { queue: pinnedQueue(w.name), resume: req.resumeSessionId } : undefined;
    }
    return workers.some((w) => serves(w, want)) ? { queue: agentQueue(d.repoUrl, local.id, d.labels) } : undefined;
  };

  return {
    id: local.id,
    check: () => local.check(),
    start(req: AgentRunRequest): AgentHandle {
      const target = pick(req);
      if (!target) return local.start(req);
      return { pid: 0, pgid: 0, result: runRemote(req, target, d, local, () => pick(req) !== undefined) };
    },
  };
}

/** A queued job no live worker can take for this long goes back to running here. */
const ORPHANED_JOB_MS = 10_000;

async function runRemote(req: AgentRunRequest, target: { queue: string; resume?: string }, d: RemoteDeps, local: AgentBackend, servable: () => boolean): Promise<AgentOutcome> {
  const backend = local.id;
  const started = Date.now();
  const git = createRunner();
  const run = (args: string[], cwd: string) => git.run(['-c', 'core.hooksPath=/dev/null', ...args], { cwd });
  const failed = (error: string, canceled = false): AgentOutcome => ({ ok: false, usage: emptyUsage(), resultText: '', error, exitCode: null, signal: null, durationMs: Date.now() - started, canceled });
  // What the worker starts from must be a commit it can fetch: earlier uncommitted work is committed first.
  // PERF: one `status` (dirty? HEAD?) when the worktree is clean, the usual case.
  const st: { dirty: boolean; head?: string; branch?: string } = await readStatus(run, req.cwd).catch(() => ({ dirty: true }));
  if (st.dirty) await run(['add', '-A'], req.cwd);
  if (st.dirty && (await run(['diff', '--cached', '--quiet'], req.cwd)).exitCode === 1) {
    await run(['-c', 'user.name=Orch', '-c', 'user.email=orch@localhost', '-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-m', 'wip: work before a worker turn'], req.cwd);
  }
  const head = st.dirty || !st.head ? (await run(['rev-parse', 'HEAD'], req.cwd)).stdout.trim() : st.head;
  if (!/^[0-9a-f]{40,64}$/.test(head)) return failed(`cannot read the worktree head of ${req.cwd}`);
  const jobId = jobIdFor(req.runId, head, req.prompt, target.resume ?? '');
  // The worker fetches the run's branch, which stays at `head` while the turn is away (nothing here moves it); a
  // detached worktree's commit is published under a job ref instead. PERF: no ref to make and delete per turn.
  const fetchRef = st.branch && /^[A-Za-z0-9/_.-]+$/.test(st.branch) ? `refs/heads/${st.branch}` : jobRef(jobId);
  if (fetchRef === jobRef(jobId)) await run(['update-ref', jobRef(jobId), head], d.root);
  const job: AgentJob = {
    v: PROTOCOL,
    orch: VERSION,
    kind: 'agent',
    project: d.projectKey,
    repoUrl: d.repoUrl,
    fetchRef,
    startSha: head,
    runId: req.runId,
    taskId: req.env.ORCH_TASK_ID ?? req.runId,
    backend,
    labels: d.labels,
    prompt: req.prompt,
    ...(req.model ? { model: req.model } : {}),
    ...(req.systemPrompt ? { systemPrompt: req.systemPrompt } : {}),
    ...(target.resume ? { resumeSessionId: target.resume } : {}),
    timeoutMs: d.jobTimeoutMs,
    ...(req.mcp ? { mcpEnv: req.mcp.env } : {}),
  };
  const queue = d.queue(target.queue);
  const note = (l: string): unknown => req.onLine?.('stderr', `[orch cluster] ${l}`);
  try {
    await queue.add('agent', job, { jobId, attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } });
  } catch (e) {
    return failed(`could not queue the agent job on Redis: ${(e as Error).message}`);
  }
  await note(`queued as job ${jobId} on ${target.queue}`);
  const reader = connect(d.redisUrl, { blocking: true, name: `orch-daemon-read:${jobId}` });
  d.onWorker?.add(req.runId);
  let cancelSent = false;
  const cancel = async (): Promise<void> => {
    if (cancelSent) return;
    cancelSent = true;
    await d.redis.set(cancelKey(jobId), '1', 'EX', 86_400).catch(() => undefined);
    await d.redis.publish(CANCEL_CHANNEL, jobId).catch(() => undefined);
    const j = await Job.fromId(queue, jobId).catch(() => undefined);
    const state = await j?.getState().catch(() => undefined);
    if (j && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) await j.remove().catch(() => undefined);
  };
  // The daemon going down detaches: the job goes on on its worker, and the next daemon attaches to it again
  // (same run, start commit and prompt -> same job id). Every other abort (stop, pause, timeout) cancels it there.
  const detaching = (): boolean => req.signal?.reason instanceof Error && req.signal.reason.message === 'shutdown';
  const onAbort = (): void => {
    if (!detaching()) void cancel();
  };
  req.signal?.addEventListener('abort', onAbort, { once: true });
  if (req.signal?.aborted) onAbort();
  let last = '0';
  // Paths the agent saw on the worker read as paths of the run's worktree here (safety checks, logs, the TUI).
  let there: string | undefined;
  const here = (text: string): string => (there && there.length > 1 ? text.split(there).join(req.cwd) : text);
  let unservedSince: number | undefined;
  /**
   * Reads what the worker streamed since `last`; `block` ms waiting for more, or none (0 would block forever). True when
   * the job's state is worth asking: nothing came (the block ran out) or the worker said the job ended.
   */
  const drain = async (block?: number): Promise<boolean> => {
    const got = await readOutput(reader, jobId, last, block);
    last = got.last;
    let ended = got.entries.length === 0;
    for (const e of got.entries) {
      if (e.k === 'end') ended = true;
      else if (e.k === 'line') await req.onLine?.(e.s, here(e.l));
      else if (e.k === 'event') {
        try {
          req.onEvent?.(JSON.parse(here(e.e)) as AgentEvent);
        } catch {
          // A malformed event from a worker is dropped; the line itself is in the log.
        }
      } else if (e.k === 'start') {
        there = e.worktree;
        await note(`running on worker ${e.worker}${e.attempt > 1 ? ` (attempt ${e.attempt}: the previous worker was lost)` : ''}`);
      }
    }
    return ended;
  };
  const drainAll = async (): Promise<void> => {
    for (let i = 0; i < 1000; i++) {
      const before = last;
      await drain().catch(() => undefined);
      if (last === before) return;
    }
  };
  // PERF: while the agent streams, its job's state is asked at most once a second (two Redis calls and the job's data
  // each time), and at once when the worker says the job ended.
  let askedAt = 0;
  try {
    for (;;) {
      if (detaching()) return failed('detached: the daemon is stopping; the job goes on on its worker', true);
      try {
        const ask = await drain(1000);
        if (!ask && Date.now() - askedAt < 1000) continue;
      } catch {
        // Redis away: the connection retries with backoff; the job's state is asked again below.
        await new Promise((r) => setTimeout(r, 500));
      }
      askedAt = Date.now();
      let j: Job | undefined;
      let state: string | undefined;
      try {
        ({ state, job: j } = await readJob(queue, jobId));
      } catch {
        continue;
      }
      if (state === 'unknown' || !j) {
        if (cancelSent) return failed('canceled before a worker took it', true);
        // Redis lost the job (restarted without persistence): queue it again; a worker that was running it cannot complete it.
        await note('the job disappeared from Redis; queueing it again');
        await queue.add('agent', job, { jobId, attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } }).catch(() => undefined);
        continue;
      }
      if (state === 'failed') {
        await drainAll();
        // The worker could not get the code (a repo_url it cannot fetch, a damaged cache): nothing ran there. The turn
        // runs here, and the run log and the daemon's log say what to fix.
        if (!cancelSent && j.failedReason?.includes(CHECKOUT_FAILED)) {
          await note(`${j.failedReason}; running the turn here`);
          d.log(`cluster: ${j.failedReason}`);
          return await local.start(req).result;
        }
        return failed(`worker job failed: ${j.failedReason || 'no reason given'}`, cancelSent);
      }
      // Queued with no live worker that could take it, or held by a worker that is gone with none left to recover it
      // (stalled-job recovery runs in workers): the clock runs. The job is removed only once its lock has expired.
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'active') {
        if (servable()) unservedSince = undefined;
        else if (unservedSince === undefined) unservedSince = Date.now();
        else if (Date.now() - unservedSince > ORPHANED_JOB_MS) {
          const removed = await j.remove().then(() => true, () => false);
          if (removed) {
            await note('no worker can take the job any more; running it here');
            return await local.start(req).result;
          }
        }
      }
      if (state !== 'completed') continue;
      await drainAll();
      const parsed = AgentJobResult.safeParse(j.returnvalue);
      if (!parsed.success) return failed(`the worker returned a result Orch does not understand: ${parsed.error.issues[0]?.message ?? ''}`);
      const r = parsed.data;
      if (r.outcome.sessionId) d.sessions.set(r.outcome.sessionId, r.worker);
      const applying = Date.now();
      if (r.pack) {
        try {
          await applyPack({ root: d.root, worktree: req.cwd, startSha: head, head: r.head, pack: Buffer.from(r.pack, 'base64') });
        } catch (e) {
          return failed(`the work of worker ${r.worker} could not be applied: ${(e as Error).message}`);
        }
      }
      await note(`worker ${r.worker} finished${r.pack ? ` at ${r.head.slice(0, 10)} (applied here in ${Date.now() - applying} ms)` : ' with no changes'}`);
      return { ...r.outcome, durationMs: Date.now() - started };
    }
  } finally {
    d.onWorker?.delete(req.runId);
    reader.disconnect();
    // PERF: the turn's outcome does not wait for this tidying.
    if (fetchRef === jobRef(jobId)) void run(['update-ref', '-d', jobRef(jobId)], d.root).catch(() => undefined);
    void d.redis.del(outputStream(jobId)).catch(() => undefined);
  }
}
