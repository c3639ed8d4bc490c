import { spawn } from 'node:child_process';
import { openSync, readFileSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { DaemonInfo, ErrorBody, Event, Health } from '../api/index.js';

function readDaemonInfo(file: string): DaemonInfo | undefined {
  try {
    const parsed = DaemonInfo.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
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

async function health(info: DaemonInfo, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(`http://${info.host}:${info.port}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    const h = Health.safeParse(await res.json());
    return h.success && h.data.pid === info.pid;
  } catch {
    return false;
  }
}

/** The daemon for this project if one answers, without starting one. */
export async function findDaemon(daemonFile: string): Promise<DaemonInfo | undefined> {
  const info = readDaemonInfo(daemonFile);
  return info && (await health(info)) ? info : undefined;
}

const cliEntry = (): string => fileURLToPath(new URL('../cli/main.js', import.meta.url));

async function startDaemon(o: ClientOptions): Promise<DaemonInfo> {
  mkdirSync(dirname(o.daemonLog), { recursive: true });
  const out = openSync(o.daemonLog, 'a');
  const child = spawn(process.execPath, [cliEntry(), 'serve', '--root', o.root, '--background'], {
    cwd: o.root,
    detached: true,
    stdio: ['ignore', out, out],
    env: o.env ?? process.env,
  });
  closeSync(out);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  child.unref();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const info = readDaemonInfo(o.daemonFile);
    if (info && (await health(info, 1000))) return info;
    if (exited !== null) break;
  }
  const tail = safeTail(o.daemonLog);
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
  let info = await findDaemon(o.daemonFile);
  if (!info) {
    if (!o.start) throw new ClientError('no Orch daemon is running for this project; `orch serve` or any `orch start` starts one', 'no_daemon');
    info = await startDaemon(o);
  }
  return createClient(info);
}

export function createClient(info: DaemonInfo) {
  const base = `http://${info.host}:${info.port}`;
  const headers = { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' };

  async function request<S extends z.ZodTypeAny>(method: string, path: string, schema: S | undefined, body?: unknown): Promise<z.infer<S>> {
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ClientError(`cannot reach the Orch daemon at ${base}: ${(e as Error).message}`, 'unreachable');
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ClientError(`the daemon answered ${method} ${path} with something that is not JSON: ${text.slice(0, 200)}`, 'bad_response', res.status);
    }
    if (!res.ok) {
      const err = ErrorBody.safeParse(json);
      if (err.success) throw new ClientError(err.data.error.message, err.data.error.code, res.status, err.data.error.details);
      throw new ClientError(`${method} ${path} failed with HTTP ${res.status}`, 'http_error', res.status);
    }
    if (!schema) return json as z.infer<S>;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ClientError(`unexpected answer from the daemon for ${path}: ${parsed.error.message}`, 'bad_response');
    return parsed.data as z.infer<S>;
  }

  return {
    info,
    get: <S extends z.ZodTypeAny>(path: string, schema?: S) => request('GET', path, schema),
    post: <S extends z.ZodTypeAny>(path: string, body: unknown, schema?: S) => request('POST', path, schema, body),

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
      const params = new URLSearchParams();
      if (opts.since !== undefined) params.set('since', String(opts.since));
      if (opts.output === false) params.set('output', '0');
      const q = params.size > 0 ? `?${params.toString()}` : '';
      let res: Response;
      try {
        res = await fetch(`${base}/api/events${q}`, { headers, signal: opts.signal });
      } catch (e) {
        if (opts.signal?.aborted) return;
        throw new ClientError(`cannot reach the Orch daemon: ${(e as Error).message}`, 'unreachable');
      }
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const dropped = /^: (\d+) live events dropped/.exec(frame);
            if (dropped) opts.onDropped?.(Number(dropped[1]));
            const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (!data) continue;
            const raw: unknown = JSON.parse(data);
            const parsed = Event.safeParse(raw);
            if (parsed.success) onEvent(parsed.data);
            else opts.onInvalid?.(raw);
          }
        }
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
      const res = await fetch(`${base}/api/runs/${encodeURIComponent(runId)}/log${q}`, { headers, signal });
      if (!res.ok || !res.body) throw new ClientError(`cannot read the log of run ${runId} (HTTP ${res.status})`, 'log_failed', res.status);
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          yield buf.slice(0, i);
          buf = buf.slice(i + 1);
        }
      }
      if (buf) yield buf;
    },
  };
}

export type Client = ReturnType<typeof createClient>;
