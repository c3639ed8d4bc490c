import type { ErrorBody } from '../../api/index.js';

/** An error from the daemon, with the same message the CLI prints after `error:`. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Calls the daemon with the session cookie (same origin; the browser adds Origin to POSTs). */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(`cannot reach the Orch daemon: ${(e as Error).message}`, 'unreachable', 0);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(`the daemon answered ${method} ${path} with something that is not JSON: ${text.slice(0, 200)}`, 'bad_response', res.status);
  }
  if (!res.ok) {
    const err = (json as Partial<ErrorBody>).error;
    if (err && typeof err.message === 'string') throw new ApiError(err.message, err.code ?? 'http_error', res.status);
    throw new ApiError(`${method} ${path} failed with HTTP ${res.status}`, 'http_error', res.status);
  }
  return json as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}): Promise<T> => api<T>('POST', path, body);
export const enc = encodeURIComponent;
