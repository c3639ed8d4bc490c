import { createReadStream, existsSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Engine } from '../engine/index.js';
import type { Decomposer } from '../decompose/index.js';
import { AnswerRequest, DecomposeRequest, BudgetRaiseRequest, NotifyTestRequest, type ChannelResult, type NotifyChannelName, EmptyRequest, ScheduleRunRequest, MaintainRequest, MergeRequest, PauseRequest, ResumeRequest, SignalRequest, StartRequest, SyncRequest, StopRequest, type DaemonState, type Health, type ReloadResult, type Status, type Event } from '../api/index.js';
import type { ClusterStatus, CommandAnswer, JobLogs, RunWorkers } from '../api/cluster.js';
import { parseAgentLine } from '../agents/index.js';
import { HttpError, type Router } from './http.js';
import type { Principal } from './auth.js';
import { createEventSender } from './sse.js';
import { LessonError, type Lessons } from '../lessons/index.js';

const EVENT_PAGE = 1000;

export interface RouteDeps {
  engine: Engine;
  /** `orch plan decompose` and `orch plan diff` (P6). */
  decomposer?: Decomposer;
  logsDir: string;
  /** The open event streams, which a stopping daemon ends cleanly (a client then reconnects from its last seq). */
  streams?: Set<ServerResponse>;
  daemon: () => Status['daemon'];
  health: () => Omit<Health, 'state'>;
  /** Ends the agents (the tasks whose agents were ended), then stops the daemon. */
  shutdown: () => Promise<{ ended: string[] }>;
  state: () => DaemonState;
  reload: () => ReloadResult;
  /** Why the config files as last read are not used (the daemon keeps the config it had), or undefined. */
  configError?: () => string | undefined;
  /** The worker pool, when `[cluster]` is configured. */
  cluster?: () => ClusterStatus | undefined;
  /** A run's build/test/lint on workers, its job logs and the pool as it may see them (the cluster service). */
  runJobs?: {
    runCommand(req: { runId: string; kind: 'build' | 'test' | 'lint'; worktree: string; baseSha: string | null; signal: AbortSignal; log: (line: string) => void }): Promise<CommandAnswer>;
    jobLogs(runId: string, job: string | undefined, lines: number): Promise<JobLogs>;
    runWorkers(): RunWorkers;
  };
  /** Lessons from feedback files (O5). */
  lessons?: Pick<Lessons, 'list' | 'remove'>;
  /** Notification channels (O2). */
  notify?: { channels: () => NotifyChannelName[]; test: (channel?: NotifyChannelName) => Promise<ChannelResult[]> };
}

const KINDS = ['build', 'test', 'lint'] as const;
const isKind = (k: string): k is (typeof KINDS)[number] => (KINDS as readonly string[]).includes(k);

/** Requests that ask for work: a daemon started for a read-only command resumes its agents on the first. */
const WORK = /^\/api\/(start|maintain|stop|pause|resume|sync|activate|questions\/[^/]+\/answer|reviews\/merge|budget\/raise)$/;

export function registerRoutes(router: Router, d: RouteDeps): void {
  const { engine } = d;
  const planning = (): Decomposer => {
    if (!d.decomposer) throw new HttpError(501, 'not_available', 'plan decomposition is not available in this daemon');
    return d.decomposer;
  };
  router.use((req, url) => {
    if (req.method === 'POST' && WORK.test(url.pathname)) engine.activate();
  });
  router.get('/api/daemon', async () => d.state());
  router.post('/api/reload', EmptyRequest, async () => d.reload());
  router.post('/api/activate', EmptyRequest, async () => ({ ok: true }));
  // Without a token: alive, nothing else (a stranger learns no pid, path or version).
  router.get(
    '/api/health',
    async (_q, _r, { principal, url }) => {
      if (principal.kind !== 'admin') return { ok: true };
      return url.searchParams.get('state') === '1' ? { ...d.health(), state: d.state() } : d.health();
    },
    { open: true },
  );
  router.get('/api/status', async () => {
    const cluster = d.cluster?.();
    const configError = d.configError?.();
    return { ...engine.status(d.daemon()), ...(configError ? { configError } : {}), ...(cluster ? { cluster } : {}) };
  });
  router.get('/api/workers', async () => d.cluster?.() ?? { url: '', repoUrl: '', available: false, error: 'no cluster configured: set [cluster] redis_url in ~/.config/orch/config.toml or ORCH_REDIS_URL', workers: [] });
  router.post('/api/sync', SyncRequest, async (_q, _r, { body }) => engine.sync({ seen: true, fix: body.fix === true }));
  router.post('/api/plan/decompose', DecomposeRequest, async (_q, _r, { body }) => planning().decompose(body));
  router.get('/api/plan/diff', async (_q, _r, { url }) => planning().diff(url.searchParams.get('branch') ?? ''));
  router.get('/api/tasks', async (_q, res, { url }) => {
    const tasks = engine.list({ status: url.searchParams.get('status') ?? undefined, module: url.searchParams.get('module') ?? undefined });
    if (url.searchParams.get('pretty') !== '1') return tasks;
    // Indented as the CLI prints it, so `orch list --json` writes the answer as it comes (issue 12).
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(tasks, null, 2));
    return undefined;
  });
  router.get('/api/task', async (_q, _r, { url }) => engine.task(required(url, 'id')));
  router.get('/api/next', async (_q, _r, { url }) => engine.next({ module: url.searchParams.get('module') ?? undefined }));
  router.post('/api/start', StartRequest, async (_q, _r, { body }) => engine.start(body));
  router.post('/api/maintain', MaintainRequest, async (_q, _r, { body }) => engine.maintain(body));
  router.post('/api/stop', StopRequest, async (_q, _r, { body }) => engine.stop(body.tasks ?? []));
  // The only routes a run's own token reaches (its MCP server's done, stuck and ask), for that run only.
  router.post('/api/runs/:id/signals', SignalRequest, async (_q, res, { params, body }) => {
    const sig = engine.signal(params.id ?? '', body);
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(sig));
    return undefined;
  }, { runParam: 'id' });
  router.get('/api/runs/:id/signals/:sid', async (_q, _r, { params }) => engine.getSignal(params.id ?? '', params.sid ?? ''), { runParam: 'id' });
  // A run's project commands on a worker: the URL names the kind, never a command (the repository's config does).
  router.post('/api/runs/:id/commands/:kind', EmptyRequest, async (_q, res, { params }) => {
    const runId = params.id ?? '';
    const kind = params.kind ?? '';
    if (!isKind(kind)) throw new HttpError(400, 'bad_request', `unknown command kind "${kind}"; expected one of ${KINDS.join(', ')}`);
    const place = engine.commandPlace(runId);
    if (!place) throw new HttpError(409, 'run_not_live', `run ${runId} is not running; its commands cannot run now`);
    if (!d.runJobs) return { where: 'local', reason: 'no cluster is configured' } satisfies CommandAnswer;
    const abort = new AbortController();
    // The agent gave up on the call (its tool call was cancelled): the job is taken back.
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    return d.runJobs.runCommand({ runId, kind, ...place, signal: abort.signal, log: (line) => engine.note(runId, line) });
  }, { runParam: 'id' });
  router.get('/api/runs/:id/workers', async () => (d.runJobs ? d.runJobs.runWorkers() : { available: false, error: 'no cluster is configured: builds, tests and lint run next to the agent', workers: [] }) satisfies RunWorkers, { runParam: 'id' });
  router.get('/api/runs/:id/jobs/logs', async (_q, _r, { params, url }) => {
    const lines = Number(url.searchParams.get('lines') ?? 200);
    if (!Number.isInteger(lines) || lines < 1 || lines > 5000) throw new HttpError(400, 'bad_request', `lines=${url.searchParams.get('lines') ?? ''}: expected a whole number from 1 to 5000`);
    if (!d.runJobs) return { jobs: [], lines: [] } satisfies JobLogs;
    try {
      return await d.runJobs.jobLogs(params.id ?? '', url.searchParams.get('job') ?? undefined, lines);
    } catch (e) {
      if (e instanceof Error && e.name === 'UnknownJobError') throw new HttpError(404, 'unknown_job', e.message);
      throw e;
    }
  }, { runParam: 'id' });
  router.get('/api/questions', async () => engine.questions());
  router.post('/api/questions/:id/answer', AnswerRequest, async (_q, _r, { params, body, principal }) => engine.answer(params.id ?? '', body, callerName(principal)));
  router.post('/api/pause', PauseRequest, async (_q, _r, { body }) => engine.pause(body.tasks ?? []));
  router.post('/api/resume', ResumeRequest, async (_q, _r, { body }) => {
    if (body.task === undefined) return engine.resumeAll();
    return engine.resume(body.task, body.guidance);
  });
  router.get('/api/schedule', async () => engine.schedules());
  router.post('/api/schedule/run', ScheduleRunRequest, async (_q, _r, { body }) => engine.runSchedule(body.name));
  router.get('/api/budget', async () => engine.budget());
  router.get('/api/report', async (_q, _r, { url }) => engine.report({ ...optionalParam(url, 'date'), ...optionalParam(url, 'batch') }));
  router.post('/api/notify/test', NotifyTestRequest, async (_q, _r, { body }) => {
    const channels = d.notify?.channels() ?? [];
    if (channels.length === 0) throw new HttpError(400, 'no_channels', 'no notification channel is configured; add [notify.slack], [notify.telegram], [notify.webhook] or [notify.desktop] to ~/.config/orch/config.toml (docs/unattended.md), then run this again (the daemon takes the change over)');
    if (body.channel && !channels.includes(body.channel)) throw new HttpError(404, 'unknown_channel', `the ${body.channel} channel is not configured; configured: ${channels.join(', ')}`);
    return { results: (await d.notify?.test(body.channel)) ?? [] };
  });
  router.get('/api/lessons', async () => d.lessons?.list() ?? { lessons: [], removed: [], problems: [] });
  router.post('/api/lessons/:id/remove', EmptyRequest, async (_q, _r, { params }) => {
    try {
      if (!d.lessons) throw new LessonError('lessons are not available in this daemon');
      return d.lessons.remove(params.id ?? '');
    } catch (e) {
      if (e instanceof LessonError) throw new HttpError(404, 'unknown_lesson', e.message);
      throw e;
    }
  });
  router.post('/api/budget/raise', BudgetRaiseRequest, async (_q, _r, { body }) => engine.raiseBudget(body.key, String(body.value)));
  // A run's change, parsed: the web page's diff view and the terminal UI's flagged change read this one endpoint.
  router.get('/api/runs/:id/diff', async (_q, _r, { params }) => engine.diff(params.id ?? ''));
  router.get('/api/reviews', async () => engine.reviewQueue());
  // Who approved is the authenticated caller; a `by` in the body is ignored.
  router.post('/api/reviews/merge', MergeRequest, async (_q, _r, { body, principal }) => engine.approve(body.task, callerName(principal)));
  router.get('/api/batches/:id', async (_q, _r, { params }) => engine.batch(params.id ?? ''));
  router.get('/api/runs/:id', async (_q, _r, { params }) => {
    const run = engine.run(params.id ?? '');
    if (!run) throw new HttpError(404, 'unknown_run', `unknown run ${params.id ?? ''}`);
    return run;
  });
  router.get('/api/runs/:id/log', async (req, res, { params, url }) => {
    const id = params.id ?? '';
    const run = engine.run(id);
    if (!run) throw new HttpError(404, 'unknown_run', `unknown run ${id}`);
    // `events=1`: each agent line also as the typed events its backend's parser reads in it (readable in any client).
    const entry = url.searchParams.get('events') === '1' ? (line: string) => toEntry(line, run.backend) : (line: string) => toEntry(line);
    streamLog(join(d.logsDir, `${id}.log`), res, url.searchParams.get('follow') === '1', () => {
      const r = engine.run(id);
      return !r || r.state === 'done' || r.state === 'failed' || r.state === 'stopped';
    }, req.once.bind(req), entry);
    return undefined;
  });
  router.get('/api/events', async (req, res, { url }) => {
    // A browser that reconnects sends Last-Event-ID with the URL it first opened: the header is the later position.
    const lastId = req.headers['last-event-id'];
    const since = Number((typeof lastId === 'string' && lastId !== '' ? lastId : undefined) ?? url.searchParams.get('since') ?? -1);
    // `output=0`: no run.output events (every line an agent prints), for clients that only follow states.
    const output = url.searchParams.get('output') !== '0';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // Headers now, not with the first event: a browser's EventSource reports the stream open only then.
    res.flushHeaders();
    const send = createEventSender(res, { output });
    // Every event after `since`, a page (1,000) at a time: a client away for longer than one page misses none.
    for (let after = since, page: Event[] = []; Number.isSafeInteger(after) && after >= 0; after = page.at(-1)?.seq ?? -1) {
      page = engine.eventsSince(after, EVENT_PAGE);
      for (const e of page) send(e);
      if (page.length < EVENT_PAGE) break;
    }
    const off = engine.subscribe(send);
    d.streams?.add(res);
    const ping = setInterval(() => {
      if (!res.destroyed) res.write(': ping\n\n');
    }, 15_000);
    req.once('close', () => {
      clearInterval(ping);
      off();
      d.streams?.delete(res);
    });
    return undefined;
  });
  // Answers once the agents are ended, so the client can say which; the server closes right after.
  router.post('/api/shutdown', EmptyRequest, async () => ({ ok: true, ...(await d.shutdown()) }));
}

/** The name recorded for what a caller did: only the admin reaches the routes that record one. */
function callerName(p: Principal): string {
  if (p.kind !== 'admin') throw new HttpError(403, 'forbidden', 'only the user may answer or approve');
  return p.name;
}

/** `{ [key]: value }` when the query has the parameter, else `{}`. */
function optionalParam(url: URL, key: string): Record<string, string> {
  const v = url.searchParams.get(key);
  return v ? { [key]: v } : {};
}

function required(url: URL, key: string): string {
  const v = url.searchParams.get(key);
  if (!v) throw new HttpError(400, 'bad_request', `query parameter "${key}" is required`);
  return v;
}

/** Streams a run's JSONL log; with follow, keeps tailing until the run is over. */
function streamLog(
  file: string,
  res: ServerResponse,
  follow: boolean,
  finished: () => boolean,
  onClose: (ev: 'close', fn: () => void) => void,
  entry: (line: string) => string,
): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  let offset = 0;
  let carry = '';
  let reading = false;
  let closed = false;
  const pump = (then?: () => void): void => {
    if (reading || closed) return;
    let size: number;
    try {
      size = existsSync(file) ? statSync(file).size : 0;
    } catch {
      size = 0; // removed between the two calls: nothing to read now
    }
    if (size <= offset) {
      then?.();
      return;
    }
    reading = true;
    const s = createReadStream(file, { start: offset, end: size - 1, encoding: 'utf8' });
    s.on('data', (c) => {
      // The file is `time<TAB>stream<TAB>line`; clients get LogEntry JSON lines.
      const text = carry + String(c);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      if (!res.destroyed) res.write(lines.map(entry).join(''));
    });
    s.on('error', () => {
      reading = false;
      then?.();
    });
    s.on('end', () => {
      offset = size;
      reading = false;
      then?.();
    });
  };
  if (!follow) {
    pump(() => res.end());
    return;
  }
  const timer = setInterval(() => {
    pump(() => {
      if (finished() && !reading) {
        pump(() => {
          clearInterval(timer);
          res.end();
        });
      }
    });
  }, 250);
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = existsSync(file) ? watch(file, () => pump()) : undefined;
    watcher?.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  onClose('close', () => {
    closed = true;
    clearInterval(timer);
    watcher?.close();
  });
  pump();
}

function toEntry(line: string, backend?: string): string {
  const a = line.indexOf('\t');
  const b = line.indexOf('\t', a + 1);
  if (a < 0 || b < 0) return `${JSON.stringify({ t: '', s: 'orch', l: line })}\n`;
  const t = line.slice(0, a);
  const s = line.slice(a + 1, b);
  const l = line.slice(b + 1);
  if (backend === undefined || s !== 'out') return `${JSON.stringify({ t, s, l })}\n`;
  const parsed = parseAgentLine(backend, l);
  if (!parsed.some((x) => x.type !== 'unparsed')) return `${JSON.stringify({ t, s, l })}\n`;
  return `${JSON.stringify({ t, s, l: '', e: parsed.filter((x) => x.type !== 'unparsed' && x.type !== 'usage') })}\n`;
}
