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

const lastErrors = new WeakMap<Redis, string>();
/** The last error of a connection since it was last ready: why it is reconnecting. */
export const lastRedisError = (r: Redis): string | undefined => lastErrors.get(r);

/**
 * What to do about a connection error that is not the network being away (a wrong password, an untrusted
 * certificate, TLS against a plain port or the other way round), or undefined.
 */
export function redisErrorHint(message: string): string | undefined {
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) {
    return `Redis refused the password (${message.trim()}): check the password in the URL (ORCH_REDIS_URL, [cluster] redis_url or --redis)`;
  }
  if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(message)) {
    return `the TLS certificate of Redis is not trusted (${message.trim()}): set NODE_EXTRA_CA_CERTS to the file of the CA that signed it`;
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return `TLS failed (${message.trim()}): a plain Redis port needs a redis:// URL, a TLS port rediss://`;
  }
  return undefined;
}

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
  // Errors while reconnecting are expected; the status says whether the cluster is there, and the last one why not.
  r.on('error', (e: Error) => lastErrors.set(r, e.message));
  r.on('ready', () => lastErrors.delete(r));
  return r;
}

/**
 * Waits for a first connection: resolves when ready or after `ms` (Redis may come later: the connection keeps
 * trying), and rejects at once with what to do when the URL itself is wrong (password, certificate, TLS or not).
 */
export function firstConnection(r: Redis, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (r.status === 'ready') return resolve();
    const done = (): void => {
      clearTimeout(timer);
      r.off('ready', done);
      r.off('error', onError);
    };
    const onError = (e: Error): void => {
      const hint = redisErrorHint(e.message);
      if (!hint) return;
      done();
      reject(new Error(hint));
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    r.once('ready', () => {
      done();
      resolve();
    });
    r.on('error', onError);
  });
}
