import { ErrorBody, Signal, type SignalRequest } from '../api/index.js';

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
}

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
  const base = `${opts.daemonUrl.replace(/\/+$/, '')}/api/runs/${encodeURIComponent(opts.runId)}/signals`;
  const timeoutMs = opts.requestTimeoutMs ?? 15_000;

  const call = async (method: 'GET' | 'POST', url: string, body: unknown, signal?: AbortSignal): Promise<DaemonResult<Signal>> => {
    const timeout = AbortSignal.timeout(timeoutMs);
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
    const parsed = Signal.safeParse(json);
    if (!parsed.success) {
      return { ok: false, error: `Orch daemon answered ${method} ${url} with an unexpected body: ${parsed.error.message}` };
    }
    return { ok: true, value: parsed.data };
  };

  return {
    postSignal: (body, signal) => call('POST', base, body, signal),
    getSignal: (id, signal) => call('GET', `${base}/${encodeURIComponent(id)}`, undefined, signal),
  };
};
