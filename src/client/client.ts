import { spawn } from 'node:child_process';
import { openSync, readFileSync, closeSync, mkdirSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { DaemonInfo, DaemonState, Event } from '../api/index.js';
import { lines, readText, send } from './http.js';

// PERF: this module is on every CLI command's path, so it imports no zod at run time (about 90 ms to load):
// the daemon's own answers are trusted unless a caller passes a schema (issue 12).

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseDaemonInfo(v: unknown): DaemonInfo | undefined {
  if (!isRecord(v)) return undefined;
  const { pid, host, port, token, root, version, startedAt } = v;
  if (typeof pid !== 'number' || typeof port !== 'number') return undefined;
  if (typeof host !== 'string' || typeof token !== 'string' || typeof root !== 'string' || typeof version !== 'string' || typeof startedAt !== 'string') return undefined;
  return { pid, host, port, token, root, version, startedAt };
}

function readDaemonInfo(file: string): DaemonInfo | undefined {
  try {
    return parseDaemonInfo(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

export interface ClientOptions {
  root: string;
  daemonFile: string;
  daemonLog: string;
  /** Start a background daemon when none answers. */
  start: boolean;
  /** A daemon started now serves reads and resumes no agent until a command asks for work. */
  readOnly?: boolean;
  /** Runs before a daemon is started (the CLI checks the config there, to fail with its file and line). */
  beforeStart?: () => void | Promise<void>;
  env?: NodeJS.ProcessEnv;
}

export class ClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** `http://127.0.0.1:4000`; an IPv6 host in brackets (`http://[::1]:4000`). */
export function daemonUrl(info: Pick<DaemonInfo, 'host' | 'port'>): string {
  return `http://${info.host.includes(':') ? `[${info.host}]` : info.host}:${info.port}`;
}

/**
 * The daemon's health answer when it is this project's daemon (its pid), else undefined. It carries the daemon's state
 * (`?state=1`), so a command needs no second request to tell whether the daemon runs with an older config or
 * environment; a daemon from before that answers without it.
 */
async function health(info: DaemonInfo, timeoutMs = 1500): Promise<{ state?: DaemonState } | undefined> {
  try {
    // With the token the daemon says who it is; the pid tells this project's daemon from a stranger on a reused port.
    const res = await send(`${daemonUrl(info)}/api/health?state=1`, { timeoutMs, headers: { authorization: `Bearer ${info.token}` } });
    const text = await readText(res);
    if (res.status !== 200) return undefined;
    const h: unknown = JSON.parse(text);
    if (!isRecord(h) || h.ok !== true || h.pid !== info.pid) return undefined;
    return isRecord(h.state) && isRecord(h.state.fingerprint) ? { state: h.state as unknown as DaemonState } : {};
  } catch {
    return undefined;
  }
}

/** This project's daemon if one answers, without starting one; with its state when the health answer had it. */
async function probe(daemonFile: string): Promise<{ info: DaemonInfo; state?: DaemonState } | undefined> {
  const info = readDaemonInfo(daemonFile);
  const h = info && (await health(info));
  return info && h ? { info, ...h } : undefined;
}

/** The daemon for this project if one answers, without starting one. */
export async function findDaemon(daemonFile: string): Promise<DaemonInfo | undefined> {
  return (await probe(daemonFile))?.info;
}

/** A client of the daemon for this project if one answers, without starting one. */
export async function findClient(daemonFile: string): Promise<Client | undefined> {
  const found = await probe(daemonFile);
  return found ? createClient(found.info, found.state) : undefined;
}

/** The daemon's own entry point: a process of its own that imports nothing of the CLI. */
const daemonEntry = (): string => fileURLToPath(new URL('../daemon/main.js', import.meta.url));

/**
 * Node flags of the daemon process. PERF: V8 lets the young generation grow to two 16 MB semi-spaces, committed for
 * good, while an idle daemon uses well under 1 MB of them; 4 MB each keeps 15-20 MB off the idle daemon's RSS and
 * costs no measurable time syncing 2,000 epics (issue 12: idle under 80 MB).
 */
const DAEMON_NODE_FLAGS = ['--max-semi-space-size=4'];

async function startDaemon(o: ClientOptions): Promise<{ info: DaemonInfo; state?: DaemonState }> {
  mkdirSync(dirname(o.daemonLog), { recursive: true, mode: 0o700 });
  const out = openSync(o.daemonLog, 'a', 0o600);
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, daemonEntry(), '--root', o.root, '--background', ...(o.readOnly ? ['--read-only'] : [])], {
    cwd: o.root,
    detached: true,
    stdio: ['ignore', out, out],
    env: o.env ?? process.env,
  });
  closeSync(out);
  // PERF: the daemon writes its file (a rename into its folder) once it answers: woken by that, not by the next
  // poll, the first command of a fresh project answers up to 100 ms sooner (issue 12). Polling stays as the fallback.
  let wake: (() => void) | undefined;
  let changed = false;
  let watcher: FSWatcher | undefined;
  try {
    const name = basename(o.daemonFile);
    watcher = watch(dirname(o.daemonFile), (_event, file) => {
      if (file !== null && file !== name) return;
      changed = true;
      wake?.();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
    wake?.();
  });
  child.unref();
  const deadline = Date.now() + 20_000;
  let wait = 10;
  try {
    while (Date.now() < deadline) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, wait);
        wake = () => {
          clearTimeout(timer);
          changed = false;
          r();
        };
        // The file changed while the last look was under way: look again now.
        if (changed) wake();
      });
      wait = Math.min(wait * 2, 100);
      const info = readDaemonInfo(o.daemonFile);
      const h = info && (await health(info, 1000));
      if (info && h) return { info, ...h };
      // Exit 3: another command started a daemon for this project at the same moment and holds its lock; that one is
      // the daemon to talk to once it answers.
      if (exited !== null && exited !== 3) break;
    }
  } finally {
    wake = undefined;
    watcher?.close();
  }
  const tail = safeTail(o.daemonLog);
  // Exit 2: the daemon refused the project or its config (src/daemon/main.ts); its own `error:` line says what to do.
  const refusal = exited === 2 ? tail.split('\n').filter((l) => l.startsWith('error: ')).at(-1) : undefined;
  if (refusal) throw new ClientError(`${refusal.slice('error: '.length)} (the daemon did not start; its log: ${o.daemonLog})`, 'daemon_refused');
  throw new ClientError(
    `the Orch daemon did not start${exited !== null ? ` (exit code ${String(exited)})` : ' within 20 s'}; its log ${o.daemonLog} ends with:\n${tail}`,
    'daemon_start_failed',
  );
}

function safeTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function connect(o: ClientOptions) {
  let found = await probe(o.daemonFile);
  if (!found) {
    if (!o.start) throw new ClientError('no Orch daemon is running for this project; `orch serve` or any `orch start` starts one', 'no_daemon');
    await o.beforeStart?.();
    found = await startDaemon(o);
  }
  return createClient(found.info, found.state);
}

function errorOf(json: unknown): { code: string; message: string; details?: unknown } | undefined {
  if (!isRecord(json) || !isRecord(json.error)) return undefined;
  const { code, message, details } = json.error;
  return typeof code === 'string' && typeof message === 'string' ? { code, message, details } : undefined;
}

/** `state`: the daemon's state as its health answer gave it when this client connected (see health). */
export function createClient(info: DaemonInfo, state?: DaemonState) {
  const base = daemonUrl(info);
  const headers = { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' };

  async function exchange(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    try {
      const res = await send(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, text: await readText(res) };
    } catch (e) {
      throw new ClientError(`cannot reach the Orch daemon at ${base}: ${(e as Error).message}`, 'unreachable');
    }
  }

  async function request(method: string, path: string, schema: z.ZodTypeAny | undefined, body?: unknown): Promise<unknown> {
    const { status, text } = await exchange(method, path, body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ClientError(`the daemon answered ${method} ${path} with something that is not JSON: ${text.slice(0, 200)}`, 'bad_response', status);
    }
    if (status < 200 || status >= 300) {
      const err = errorOf(json);
      if (err) throw new ClientError(err.message, err.code, status, err.details);
      throw new ClientError(`${method} ${path} failed with HTTP ${status}`, 'http_error', status);
    }
    if (!schema) return json;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ClientError(`unexpected answer from the daemon for ${path}: ${parsed.error.message}`, 'bad_response');
    return parsed.data;
  }

  /** `get<T>(path)` trusts the daemon's shape (no zod loaded); `get(path, Schema)` checks it. */
  function get<S extends z.ZodTypeAny>(path: string, schema: S): Promise<z.infer<S>>;
  function get<T = unknown>(path: string): Promise<T>;
  function get(path: string, schema?: z.ZodTypeAny): Promise<unknown> {
    return request('GET', path, schema);
  }
  function post<S extends z.ZodTypeAny>(path: string, body: unknown, schema: S): Promise<z.infer<S>>;
  function post<T = unknown>(path: string, body: unknown): Promise<T>;
  function post(path: string, body: unknown, schema?: z.ZodTypeAny): Promise<unknown> {
    return request('POST', path, schema, body);
  }

  /**
   * The daemon's answer as it sent it, for a command that prints it unchanged (`?pretty=1` answers are indented as
   * printJson indents). PERF: `orch list --json` of 2,000 tasks need not parse and re-print 1 MB (issue 12).
   */
  async function getText(path: string): Promise<string> {
    const { status, text } = await exchange('GET', path);
    if (status >= 200 && status < 300) return text;
    let err: ReturnType<typeof errorOf>;
    try {
      err = errorOf(JSON.parse(text));
    } catch {
      err = undefined;
    }
    if (err) throw new ClientError(err.message, err.code, status, err.details);
    throw new ClientError(`GET ${path} failed with HTTP ${status}`, 'http_error', status);
  }

  return {
    info,
    state,
    get,
    getText,
    post,

    /** Subscribes to the SSE stream; resolves when `signal` aborts or the daemon goes away. */
    async events(
      onEvent: (e: Event) => void,
      opts: {
        since?: number;
        signal?: AbortSignal;
        /** false: no run.output events. */
        output?: boolean;
        /** The daemon dropped this many live events because this client was not keeping up. */
        onDropped?: (n: number) => void;
        /** An event whose shape this client does not know (a newer daemon); it is skipped. */
        onInvalid?: (raw: unknown) => void;
      } = {},
    ): Promise<void> {
      // Events are checked (unknown types dropped); a stream that runs for minutes can afford zod.
      const { Event } = await import('../api/index.js');
      const params = new URLSearchParams();
      if (opts.since !== undefined) params.set('since', String(opts.since));
      if (opts.output === false) params.set('output', '0');
      const q = params.size > 0 ? `?${params.toString()}` : '';
      let res;
      try {
        res = await send(`${base}/api/events${q}`, { headers, signal: opts.signal });
      } catch (e) {
        if (opts.signal?.aborted) return;
        throw new ClientError(`cannot reach the Orch daemon: ${(e as Error).message}`, 'unreachable');
      }
      // The SSE framing (`\n`, `\r\n` or `\r` line ends, multi-line data, `id:`, comments) is eventsource-parser's;
      // one frame that is not JSON is skipped, not the end of the stream.
      const { createParser } = await import('eventsource-parser');
      const parser = createParser({
        onEvent: (msg) => {
          let raw: unknown;
          try {
            raw = JSON.parse(msg.data);
          } catch {
            opts.onInvalid?.(msg.data);
            return;
          }
          const parsed = Event.safeParse(raw);
          if (parsed.success) onEvent(parsed.data);
          else opts.onInvalid?.(raw);
        },
        onComment: (comment) => {
          const dropped = /^\s*(\d+) live events dropped/.exec(comment);
          if (dropped) opts.onDropped?.(Number(dropped[1]));
        },
      });
      try {
        res.body.setEncoding('utf8');
        for await (const chunk of res.body) parser.feed(chunk as string);
      } catch (e) {
        if (!opts.signal?.aborted) throw e;
      }
    },

    /** Raw NDJSON log lines of a run; `events`: each agent line also parsed to typed events (LogEntry.e). */
    async *log(runId: string, follow: boolean, signal?: AbortSignal, opts: { events?: boolean } = {}): AsyncGenerator<string> {
      const params = new URLSearchParams();
      if (follow) params.set('follow', '1');
      if (opts.events) params.set('events', '1');
      const q = params.size > 0 ? `?${params.toString()}` : '';
      const res = await send(`${base}/api/runs/${encodeURIComponent(runId)}/log${q}`, { headers, signal });
      if (res.status !== 200) {
        res.body.resume();
        throw new ClientError(`cannot read the log of run ${runId} (HTTP ${res.status})`, 'log_failed', res.status);
      }
      yield* lines(res);
    },
  };
}

export type Client = ReturnType<typeof createClient>;
