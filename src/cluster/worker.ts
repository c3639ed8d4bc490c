import { plural } from '../api/index.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { emptyUsage, type AgentBackend, type AgentEvent, type Contain } from '../agents/index.js';
import { isCanceled } from './remote.js';
import { connect, redactRedisUrl } from './connection.js';
import { createCapacity } from './capacity.js';
import { createCheckouts } from './checkout.js';
import { AgentJob, CommandJob, type AgentJobResult, type CommandJobResult, type OutputEntry } from './jobs.js';
import { runCommandJob, type WorkerCommandOptions } from './command-job.js';
import type { WorkerInfo } from '../api/cluster.js';
import { agentQueue, CANCEL_CHANNEL, commandQueue, HEARTBEAT_MS, labelSubsets, outputStream, pinnedQueue, PREFIX, PROTOCOL, WARM_CHANNEL, type WarmHint } from './names.js';
import { VERSION } from '../version.js';
import { publishWorker, removeWorker } from './registry.js';

const mcpEntry = fileURLToPath(new URL('../mcp/main.js', import.meta.url));

export interface WorkerOptions {
  redisUrl: string;
  name: string;
  jobs: number;
  labels: string[];
  /** Backends this worker runs, already resolved with the worker's own config and environment. */
  backends: Map<string, { backend: AgentBackend; env: Record<string, string>; version?: string }>;
  /** Repository URLs this worker accepts jobs for. */
  repos: string[];
  dir: string;
  /** BullMQ lock: a worker silent for this long is presumed dead and its job retried elsewhere. */
  lockMs?: number;
  /**
   * The sandbox of an agent job, as for a local agent (issue 9, issue 13): its worktree and the cache's objects
   * writable, the job's MCP config dir readable, the worker's home, state and other jobs hidden.
   */
  contain?: (place: { worktree: string; cache: string; backendId: string; configDir: string; endpoints?: string[] }) => Contain | undefined;
  /** Also take the build, test and lint jobs of `repos` (commands from each repository's own config). */
  commands?: WorkerCommandOptions;
  log?: (line: string) => void;
}

/** Which start of the job this is: a job whose worker was lost (stalled) starts again without failing first. */
const attemptOf = (job: Job): number => Math.max(job.attemptsStarted || 0, job.attemptsMade + 1);

/** Why this worker refuses a job queued by a daemon of another wire protocol, or undefined when it speaks it. */
export function protocolRefusal(job: Pick<Job, 'id' | 'data'>, worker: string): string | undefined {
  const data = (job.data ?? {}) as { v?: unknown; orch?: unknown };
  if (data.v === PROTOCOL) return undefined;
  const theirs = `${typeof data.orch === 'string' ? `Orch ${data.orch}` : 'an older Orch'} (job protocol ${typeof data.v === 'number' ? data.v : 'unknown'})`;
  return `job ${job.id ?? '?'} refused: it was queued by ${theirs} and worker ${worker} runs Orch ${VERSION} (job protocol ${PROTOCOL}); run the same Orch version on the daemon and its workers`;
}

/** Errors that only say Redis is away (the connections reconnect by themselves). */
const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|ENOTFOUND|EAI_AGAIN|Connection is closed|Stream isn't writeable|Reached the max retries/i;

/** Packs larger than this are refused by the worker (the job fails with the reason) rather than clogging Redis. */
const MAX_PACK_BYTES = 256 * 1024 * 1024;
const STREAM_MAXLEN = 200_000;

/**
 * `orch worker`: takes agent jobs from the queues it matches (backend x label subsets, plus its own pinned queue),
 * never more than `jobs` at once across all of them, runs each in a worktree of its repository cache with the
 * local backend (the same sandbox as local agents), streams output to Redis and returns the work as a git pack.
 * It decides nothing: the daemon owns state.
 */
export async function startWorker(o: WorkerOptions): Promise<{ close: (force?: boolean) => Promise<void>; info: () => WorkerInfo }> {
  const log = o.log ?? (() => undefined);
  const capacity = createCapacity(o.jobs);
  const checkouts = createCheckouts({ dir: o.dir });
  const redis = connect(o.redisUrl, { name: `orch-worker:${o.name}` });
  const sub = connect(o.redisUrl, { blocking: true, name: `orch-worker-sub:${o.name}` });
  const cleanups = new Set<Promise<unknown>>();
  const running = new Map<string, { abort: AbortController; queue: string; taskId?: string; startedAt: string }>();
  const startedAt = new Date().toISOString();

  const info = (): WorkerInfo => ({
    name: o.name,
    host: hostname(),
    pid: process.pid,
    jobs: o.jobs,
    running: [...running].map(([id, r]) => ({ id, queue: r.queue, ...(r.taskId ? { taskId: r.taskId } : {}), startedAt: r.startedAt })),
    labels: o.labels,
    agents: [...o.backends].map(([id, b]) => ({ id, ...(b.version ? { version: b.version } : {}) })),
    repos: o.repos,
    ...(o.commands ? { commands: true } : {}),
    startedAt,
    heartbeat: Date.now(),
    orch: VERSION,
    protocol: PROTOCOL,
  });
  const beat = async (): Promise<void> => {
    try {
      await publishWorker(redis, info());
    } catch {
      // Redis away: the next beat after reconnecting registers again.
    }
  };
  // Redis going away is said once, and its return once: not a line per queue and retry.
  let down: string | undefined;
  redis.on('error', (e: Error) => {
    if (down !== undefined || !CONNECTION_ERROR.test(e.message)) return;
    down = e.message;
    log(`Redis at ${redactRedisUrl(o.redisUrl)} is unreachable (${e.message}): reconnecting; running jobs go on and their results are sent when it is back`);
  });
  redis.on('ready', () => {
    if (down === undefined) return;
    down = undefined;
    log(`Redis at ${redactRedisUrl(o.redisUrl)} is back: taking jobs again`);
  });
  const said = new Map<string, number>();
  const queueError = (q: string, e: Error): void => {
    if (CONNECTION_ERROR.test(e.message)) return;
    const key = `${q}\0${e.message}`;
    if (Date.now() - (said.get(key) ?? 0) < 60_000) return;
    said.set(key, Date.now());
    log(`queue ${q}: ${e.message}`);
  };
  await beat();
  const heartbeat = setInterval(() => void beat(), HEARTBEAT_MS);

  await sub.subscribe(CANCEL_CHANNEL, WARM_CHANNEL);
  sub.on('message', (ch: string, message: string) => {
    if (ch === WARM_CHANNEL) return warm(message);
    const jobId = message;
    const r = running.get(jobId);
    if (r) {
      log(`job ${jobId}: cancelled by its daemon`);
      r.abort.abort(new Error('canceled'));
    }
  });

  /** A daemon's target branch moved: fetch it now when a slot is free (a busy worker fetches when it takes a job). */
  const warm = (message: string): void => {
    let hint: Partial<WarmHint>;
    try {
      hint = JSON.parse(message) as Partial<WarmHint>;
    } catch {
      return;
    }
    const { repoUrl, ref, sha } = hint;
    if (typeof repoUrl !== 'string' || !o.repos.includes(repoUrl) || capacity.free <= 0) return;
    if (typeof ref !== 'string' || !/^refs\/heads\/[A-Za-z0-9/_.-]+$/.test(ref) || ref.includes('..') || typeof sha !== 'string' || !/^[0-9a-f]{40,64}$/.test(sha)) return;
    void checkouts.warm({ repoUrl, ref, sha }).catch(() => undefined);
  };

  const later = (id: string, run: () => Promise<void>): void => {
    const p = run().catch((e: unknown) => log(`job ${id}: cleanup failed: ${(e as Error).message}`)).finally(() => cleanups.delete(p));
    cleanups.add(p);
  };
  /**
   * PERF: the daemon reads a job's stream with a blocking read; an entry once the job is completed (or failed) in
   * BullMQ wakes it to fetch the result at once instead of at the end of its block. The stream may already be gone
   * (the daemon deletes it when done): it expires then instead of staying.
   */
  const ended = (jobId: string | undefined): void => {
    if (!jobId) return;
    void redis.multi().xadd(outputStream(jobId), 'MAXLEN', '~', String(STREAM_MAXLEN), '*', 'j', JSON.stringify({ k: 'end' } satisfies OutputEntry)).expire(outputStream(jobId), 86_400).exec().catch(() => undefined);
  };
  const push = (jobId: string, e: OutputEntry): Promise<unknown> =>
    redis.xadd(outputStream(jobId), 'MAXLEN', '~', String(STREAM_MAXLEN), '*', 'j', JSON.stringify(e)).catch(() => undefined);

  const queues = [
    pinnedQueue(o.name),
    ...o.repos.flatMap((r) => [...o.backends.keys()].flatMap((b) => labelSubsets(o.labels).map((ls) => agentQueue(r, b, ls)))),
    ...(o.commands ? o.repos.flatMap((r) => labelSubsets(o.labels).map((ls) => commandQueue(r, ls))) : []),
  ];
  const workers: Worker[] = [];

  const take = async (job: Job, token: string | undefined, queue: string): Promise<AgentJobResult | CommandJobResult> => {
    const refusal = protocolRefusal(job, o.name);
    if (refusal) {
      log(refusal);
      // Failed at once and never retried: no worker of this version can run it; the daemon reports the reason.
      throw new UnrecoverableError(refusal);
    }
    if (!capacity.tryAcquire()) {
      // Full across all queues: back to the queue for another worker (or this one, later).
      await job.moveToDelayed(Date.now() + 250, token);
      throw new DelayedError();
    }
    try {
      return job.name === 'command' ? await runCommand(job, queue) : await runJob(job, queue);
    } finally {
      capacity.release();
      void beat();
    }
  };

  async function runJob(job: Job, queue: string): Promise<AgentJobResult> {
    const parsed = AgentJob.safeParse(job.data);
    if (!parsed.success) throw new Error(`job ${job.id} is not an agent job Orch understands: ${parsed.error.issues[0]?.message ?? ''}`);
    const j = parsed.data;
    const id = job.id ?? j.runId;
    if (!o.repos.includes(j.repoUrl)) throw new Error(`worker ${o.name} is not configured for ${j.repoUrl} (it serves: ${o.repos.join(', ')})`);
    const b = o.backends.get(j.backend);
    if (!b) throw new Error(`worker ${o.name} has no ${j.backend} agent`);
    if (await isCanceled(redis, id)) {
      log(`job ${id}: cancelled before it started`);
      return { worker: o.name, head: j.startSha, outcome: { ok: false, usage: emptyUsage(), resultText: '', error: 'canceled', exitCode: null, signal: null, durationMs: 0, canceled: true } };
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error('timeout')), j.timeoutMs);
    running.set(id, { abort, queue, taskId: j.taskId, startedAt: new Date().toISOString() });
    void beat();
    log(`job ${id}: ${j.taskId} with ${j.backend} (attempt ${attemptOf(job)})`);
    // Where a job's time goes, in its last log line: queued (the daemon's add to this worker's take), checkout, agent, collect.
    const times = { queued: job.processedOn && job.timestamp ? Math.max(0, job.processedOn - job.timestamp) : 0, took: Date.now() };
    const { cache, worktree, fetched } = await checkouts.prepare({ id, repoUrl: j.repoUrl, fetchRef: j.fetchRef, startSha: j.startSha }).catch((e: unknown) => {
      clearTimeout(timer);
      running.delete(id);
      log(`job ${id}: ${(e as Error).message}`);
      throw new Error(`worker ${o.name} ${(e as Error).message}`);
    });
    const checkedOut = Date.now();
    await push(id, { k: 'start', worker: o.name, attempt: attemptOf(job), worktree });
    try {
      let pending: Promise<unknown> = Promise.resolve();
      const configDir = join(o.dir, 'mcp', id);
      // The coordinator's MCP route, which the agent's MCP server inside calls.
      const box = o.contain?.({ worktree, cache, backendId: j.backend, configDir, endpoints: Object.values(j.mcpEnv ?? {}) });
      const handle = b.backend.start({
        runId: j.runId,
        cwd: worktree,
        prompt: j.prompt,
        ...(j.resumeSessionId ? { resumeSessionId: j.resumeSessionId } : {}),
        ...(j.model ? { model: j.model } : {}),
        ...(j.systemPrompt ? { systemPrompt: j.systemPrompt } : {}),
        env: { ...b.env, ORCH_RUN_ID: j.runId },
        ...(j.mcpEnv ? { mcp: { command: process.execPath, args: [mcpEntry], env: j.mcpEnv, tools: [], configDir } } : {}),
        ...(box ? { contain: box } : {}),
        signal: abort.signal,
        onLine: (s, l) => {
          pending = push(id, { k: 'line', s, l });
          return pending;
        },
        onEvent: (e: AgentEvent) => void push(id, { k: 'event', e: JSON.stringify(e) }),
      });
      const outcome = await handle.result;
      await pending;
      const agentEnded = Date.now();
      const collected = await checkouts.collect(cache, worktree, { id, startSha: j.startSha });
      if (collected.pack && collected.pack.length > MAX_PACK_BYTES) throw new Error(`the agent's work is ${collected.pack.length} bytes, over the ${MAX_PACK_BYTES}-byte limit of a worker result`);
      const spent = `queued ${times.queued} ms, checkout ${checkedOut - times.took} ms${fetched ? ' with a fetch' : ''}, agent ${agentEnded - checkedOut} ms, collect ${Date.now() - agentEnded} ms`;
      log(`job ${id}: ${outcome.ok ? 'done' : `failed: ${outcome.error ?? 'unknown'}`}${collected.pack ? `, ${collected.pack.length} bytes of work` : ', no changes'} (${spent})`);
      const { sessionId, costUsd, error, ...rest } = outcome;
      return {
        worker: o.name,
        outcome: { ...rest, ...(sessionId ? { sessionId } : {}), ...(costUsd !== undefined ? { costUsd } : {}), ...(error ? { error } : {}) },
        head: collected.head,
        ...(collected.pack ? { pack: collected.pack.toString('base64') } : {}),
      };
    } finally {
      clearTimeout(timer);
      running.delete(id);
      // PERF: cleaning the worktree for the next job is a git call; the daemon waits for the result, not for it.
      later(id, () => checkouts.cleanup(cache, worktree));
    }
  }

  async function runCommand(job: Job, queue: string): Promise<CommandJobResult> {
    const parsed = CommandJob.safeParse(job.data);
    if (!parsed.success) throw new Error(`job ${job.id} is not a command job Orch understands: ${parsed.error.issues[0]?.message ?? ''}`);
    const j = parsed.data;
    const id = job.id ?? j.runId;
    if (!o.repos.includes(j.repoUrl)) throw new Error(`worker ${o.name} is not configured for ${j.repoUrl} (it serves: ${o.repos.join(', ')})`);
    if (!o.commands) throw new Error(`worker ${o.name} takes no command jobs`);
    if (await isCanceled(redis, id)) throw new Error('canceled before it started');
    const abort = new AbortController();
    running.set(id, { abort, queue, taskId: `${j.command} for ${j.runId}`, startedAt: new Date().toISOString() });
    void beat();
    log(`job ${id}: ${j.command} for ${j.runId} (attempt ${attemptOf(job)})`);
    try {
      const r = await runCommandJob(j, {
        id, worker: o.name, attempt: attemptOf(job), checkouts, push: (e) => push(id, e), signal: abort.signal, commands: o.commands,
        cleanupLater: (run) => later(id, run),
      });
      log(`job ${id}: ${r.ok ? 'done' : 'failed'}: ${r.text.split('\n')[0] ?? ''}`);
      return r;
    } finally {
      running.delete(id);
    }
  }

  for (const q of queues) {
    const w: Worker = new Worker(q, async (job, token) => take(job, token, q), {
      connection: connect(o.redisUrl, { blocking: true, name: `orch-worker-q:${o.name}` }),
      prefix: PREFIX,
      concurrency: o.jobs,
      lockDuration: o.lockMs ?? 30_000,
      stalledInterval: Math.max(1000, Math.floor((o.lockMs ?? 30_000) / 2)),
      maxStalledCount: 3,
      autorun: true,
    });
    w.on('error', (e) => queueError(q, e));
    w.on('completed', (job) => ended(job.id));
    w.on('failed', (job) => ended(job?.id));
    workers.push(w);
  }
  log(`worker ${o.name} on ${redactRedisUrl(o.redisUrl)}: ${plural(o.jobs, 'job')} at once, ${queues.length} queues for ${o.repos.join(', ')}`);

  return {
    info,
    /** Waits for running jobs to finish; `force` cancels them (their work is still returned). */
    close: async (force = false) => {
      clearInterval(heartbeat);
      if (force) for (const r of running.values()) r.abort.abort(new Error('worker stopping'));
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled([...cleanups]);
      await removeWorker(redis, o.name).catch(() => undefined);
      redis.disconnect();
      sub.disconnect();
    },
  };
}

export type { Redis };
