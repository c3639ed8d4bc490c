export interface BackoffOptions {
  /** Delay ceiling of the first retry. Default 2000. */
  baseMs?: number;
  /** Largest ceiling, whatever the attempt. Default 120000. */
  maxMs?: number;
  /** `full`: uniform in [0, ceiling]; `equal`: uniform in [ceiling/2, ceiling]; `none`: the ceiling. Default `full`. */
  jitter?: 'full' | 'equal' | 'none';
  /** Uniform in [0, 1). Default Math.random. */
  random?: () => number;
  /** The server's own "retry after": the delay is never shorter, even when it exceeds `maxMs`. */
  retryAfterMs?: number;
}

// 2^52 times any sane base is already past every maxMs; capping keeps 0 * Infinity (NaN) away.
const MAX_EXPONENT = 52;

/**
 * Milliseconds to wait before retry number `attempt` (1 for the first retry): exponential with jitter
 * ("full jitter" spreads simultaneous failures of many runs apart), floored by `retryAfterMs`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 2000, maxMs = 120_000, jitter = 'full', random = Math.random, retryAfterMs } = options;
  const exponent = Math.min(MAX_EXPONENT, Math.max(0, Math.floor(attempt) - 1));
  const ceiling = Math.max(0, Math.min(maxMs, baseMs * 2 ** exponent));
  const r = Math.min(1, Math.max(0, random()));
  let delay: number;
  switch (jitter) {
    case 'full':
      delay = r * ceiling;
      break;
    case 'equal':
      delay = ceiling / 2 + (r * ceiling) / 2;
      break;
    case 'none':
      delay = ceiling;
      break;
    default:
      throw new Error(`Unknown jitter "${String(jitter)}": expected full, equal or none`);
  }
  const floor = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : 0;
  return Math.round(Math.max(floor, delay));
}
