import { Redis, type RedisOptions } from 'ioredis';

/** Why a URL is not a Redis URL Orch can use, or undefined when it is. */
export function redisUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL; write redis://[:password@]host:port or rediss:// for TLS`;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return `"${u.protocol}" is not redis: or rediss:`;
  return undefined;
}

/** The URL with its password replaced, for messages and listings. */
export const redactRedisUrl = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
};

/**
 * A connection that reconnects forever with capped, jittered backoff (Redis restarted or unreachable), never
 * throws for being offline and never queues commands while offline (callers see the error and fall back).
 * `rediss://` turns TLS on; the password comes from the URL.
 */
export function connect(url: string, o: { blocking?: boolean; name?: string } = {}): Redis {
  const opts: RedisOptions = {
    lazyConnect: false,
    // BullMQ's workers and blocking reads need this; others fail fast while offline instead of piling up.
    maxRetriesPerRequest: o.blocking ? null : 1,
    enableOfflineQueue: !!o.blocking,
    connectionName: o.name,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 5), 5000) + Math.floor(Math.random() * 250),
  };
  const r = new Redis(url, opts);
  // Errors while reconnecting are expected; the status says whether the cluster is there.
  r.on('error', () => undefined);
  return r;
}
