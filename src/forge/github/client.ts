import { Octokit } from '@octokit/rest';
import { adviceFor, ForgeError } from '../errors.js';
import type { RetryOptions } from '../types.js';

export interface GitHubClientOptions {
  token: string;
  /** `https://api.github.com` (default) or, for GitHub Enterprise Server, `https://HOST/api/v3`. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  retry?: Partial<RetryOptions>;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** Longest single wait for a rate limit before giving up with an error instead. Default 15 min. */
  maxWaitMs?: number;
  /** Receives one line per retry (never the token). */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  method: string;
  url: string;
  status: number;
  attempt: number;
  waitMs: number;
  reason: 'rate-limit' | 'secondary-rate-limit' | 'server-error' | 'network';
}

/** Octokit's error shape, read structurally so no transitive package is imported. */
interface OctokitFailure {
  status?: number;
  message?: string;
  request?: { method?: string; url?: string };
  response?: { status: number; url?: string; headers: Record<string, string | number | undefined>; data: unknown };
}

interface Failure {
  status: number;
  method: string;
  url: string;
  headers: Record<string, string | number | undefined>;
  apiMessage: string;
  documentationUrl: string | undefined;
  network: boolean;
}

export interface GitHubClient {
  readonly octokit: Octokit;
  /**
   * Runs one API call with rate-limit waits and 5xx/network retries. `attempt` receives a fresh
   * per-attempt AbortSignal to pass as `request.signal`. Throws ForgeError once retrying cannot help.
   */
  call<T>(label: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'orch',
    log: silent,
    request: options.fetch ? { fetch: options.fetch } : {},
  });
  const maxRetries = options.retry?.maxRetries ?? 4;
  const now = options.retry?.now ?? Date.now;
  const sleep = options.retry?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxWaitMs = options.maxWaitMs ?? 15 * 60_000;

  async function call<T>(label: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt(AbortSignal.timeout(timeoutMs));
      } catch (error) {
        const failure = describe(error, label);
        const plan = retryPlan(failure, n, now());
        if (!plan || n >= maxRetries || plan.waitMs > maxWaitMs) throw toForgeError(failure, n, plan?.waitMs, error);
        options.onRetry?.({ method: failure.method, url: failure.url, status: failure.status, attempt: n + 1, waitMs: plan.waitMs, reason: plan.reason });
        await sleep(plan.waitMs);
      }
    }
  }

  return { octokit, call };
}

function header(headers: Failure['headers'], name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
}

function describe(error: unknown, label: string): Failure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as OctokitFailure;
  const [labelMethod = 'GET', labelUrl = label] = label.split(' ');
  const data = e.response?.data;
  const body = typeof data === 'object' && data !== null ? (data as { message?: unknown; documentation_url?: unknown }) : {};
  return {
    status: e.response?.status ?? 0,
    method: e.request?.method ?? labelMethod,
    url: e.response?.url || e.request?.url || labelUrl,
    headers: e.response?.headers ?? {},
    apiMessage: typeof body.message === 'string' ? body.message : typeof data === 'string' && data ? data : (e.message ?? String(error)),
    documentationUrl: typeof body.documentation_url === 'string' ? body.documentation_url : undefined,
    network: e.response === undefined,
  };
}

/** When and why to try again, following GitHub's "best practices for using the REST API". */
export function retryPlan(f: Pick<Failure, 'status' | 'headers' | 'apiMessage' | 'network'>, attempt: number, nowMs: number): { waitMs: number; reason: RetryEvent['reason'] } | undefined {
  if (f.network) return { waitMs: 1000 * 2 ** attempt, reason: 'network' };
  if (f.status === 403 || f.status === 429) {
    const retryAfter = Number(header(f.headers, 'retry-after'));
    if (header(f.headers, 'retry-after') !== undefined && Number.isFinite(retryAfter)) {
      return { waitMs: Math.max(0, retryAfter) * 1000, reason: 'secondary-rate-limit' };
    }
    const reset = Number(header(f.headers, 'x-ratelimit-reset'));
    if (header(f.headers, 'x-ratelimit-remaining') === '0' && Number.isFinite(reset)) {
      // One second of slack: the reset time is whole seconds and clocks differ.
      return { waitMs: Math.max(0, reset * 1000 - nowMs) + 1000, reason: 'rate-limit' };
    }
    if (f.status === 429 || /secondary rate limit|abuse/i.test(f.apiMessage)) {
      return { waitMs: 60_000 * 2 ** attempt, reason: 'secondary-rate-limit' };
    }
    return undefined;
  }
  if (f.status >= 500) return { waitMs: 1000 * 2 ** attempt, reason: 'server-error' };
  return undefined;
}

function toForgeError(f: Failure, retries: number, waitMs: number | undefined, cause: unknown): ForgeError {
  const parts = [`GitHub API ${f.method} ${f.url} failed${f.status ? ` with ${f.status}` : ''}: ${f.apiMessage}`];
  if (retries > 0) parts.push(`(after ${retries} ${retries === 1 ? 'retry' : 'retries'})`);
  const advice =
    waitMs !== undefined && (f.status === 403 || f.status === 429)
      ? `rate limited for another ${Math.ceil(waitMs / 1000)} s; retry after that or use a token with a higher limit`
      : adviceFor(f.status, f.apiMessage);
  return new ForgeError(
    { status: f.status, method: f.method, url: f.url, message: `${parts.join(' ')}. Fix: ${advice}.`, documentationUrl: f.documentationUrl },
    { cause },
  );
}
