import type { z } from 'zod';
import { CommandAnswer, ErrorBody, JobLogs, RunWorkers, Signal, type SignalRequest } from '../api/index.js';
import { COMMAND_TIMEOUT_MS, type CommandKind } from './commands.js';

/** Expected failures talking to the daemon are values: the tool turns them into `isError` results. */
export type DaemonResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface DaemonClientOptions {
  daemonUrl: string;
  token: string;
  runId: string;
  fetch?: typeof fetch;
  /** Per request. Default 15000. */
  requestTimeoutMs?: number;
}

export interface DaemonClient {
  postSignal(body: SignalRequest, signal?: AbortSignal): Promise<DaemonResult<Signal>>;
  getSignal(id: string, signal?: AbortSignal): Promise<DaemonResult<Signal>>;
  /** Where the project's command runs: on a worker (with its result) or here. Waits for the worker's answer. */
  runCommand(kind: CommandKind, signal?: AbortSignal): Promise<DaemonResult<CommandAnswer>>;
  workers(signal?: AbortSignal): Promise<DaemonResult<RunWorkers>>;
  jobLogs(o: { job?: string; lines: number }, signal?: AbortSignal): Promise<DaemonResult<JobLogs>>;
}

/** A command on a worker may queue, run its full timeout and stream back: the daemon answers within this. */
const COMMAND_ANSWER_MS = COMMAND_TIMEOUT_MS + 6 * 60_000;

const describeBody = (text: string): string => {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return `${parsed.data.error.code}: ${parsed.data.error.message}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}...` : trimmed || '(empty body)';
};

const causeMessage = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
};

/** The HTTP side of the agent's MCP server: the signals endpoints of one run, authenticated with the daemon token. */
export const createDaemonClient = (opts: DaemonClientOptions): DaemonClient => {
  const doFetch = opts.fetch ?? fetch;
  const run = `${opts.daemonUrl.replace(/\/+$/, '')}/api/runs/${encodeURIComponent(opts.runId)}`;
  const base = `${run}/signals`;
  const timeoutMs = opts.requestTimeoutMs ?? 15_000;

  const call = async <T>(schema: z.ZodType<T>, method: 'GET' | 'POST', url: string, body: unknown, signal?: AbortSignal, ms = timeoutMs): Promise<DaemonResult<T>> => {
    const timeout = AbortSignal.timeout(ms);
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${opts.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, init);
      text = await res.text();
    } catch (e) {
      return { ok: false, error: `Orch daemon unreachable at ${method} ${url}: ${causeMessage(e)}` };
    }
    if (!res.ok) return { ok: false, error: `Orch daemon answered HTTP ${res.status} to ${method} ${url}: ${describeBody(text)}` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, error: `Orch daemon answered ${method} ${url} with invalid JSON: ${describeBody(text)}` };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return { ok: false, error: `Orch daemon answered ${method} ${url} with an unexpected body: ${parsed.error.message}` };
    }
    return { ok: true, value: parsed.data };
  };

  return {
    postSignal: (body, signal) => call(Signal, 'POST', base, body, signal),
    getSignal: (id, signal) => call(Signal, 'GET', `${base}/${encodeURIComponent(id)}`, undefined, signal),
    runCommand: (kind, signal) => call(CommandAnswer, 'POST', `${run}/commands/${kind}`, {}, signal, Math.max(timeoutMs, COMMAND_ANSWER_MS)),
    workers: (signal) => call(RunWorkers, 'GET', `${run}/workers`, undefined, signal),
    jobLogs: (o, signal) => call(JobLogs, 'GET', `${run}/jobs/logs?lines=${o.lines}${o.job ? `&job=${encodeURIComponent(o.job)}` : ''}`, undefined, signal),
  };
};
