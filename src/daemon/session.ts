import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** How long a login link from `orch open` works: long enough to open a browser, short enough to go stale in a history. */
export const LOGIN_LINK_MS = 120_000;
/** A browser session lasts at most this long, across daemon restarts; then `orch open` logs in again. */
export const SESSION_MS = 7 * 24 * 3600_000;

/** Where sessions live: the project's store in the daemon (they survive a restart), a Map in unit tests. */
export interface SessionKeep {
  add(hash: string, expiresAt: number): void;
  expiry(hash: string): number | undefined;
  remove(hash: string): void;
  sweep(now: number): void;
}

export function memorySessionKeep(): SessionKeep {
  const m = new Map<string, number>();
  return {
    add: (h, until) => void m.set(h, until),
    expiry: (h) => m.get(h),
    remove: (h) => void m.delete(h),
    sweep: (now) => {
      for (const [k, until] of m) if (until <= now) m.delete(k);
    },
  };
}

/** Only this digest of a session id is kept: the store's copy logs nobody in, and a lookup by it leaks nothing usable. */
const digest = (id: string): string => createHash('sha256').update(id).digest('hex');

/**
 * Browser sessions of the web page: `orch open` asks the daemon (with its bearer token) for a one-time login link,
 * the browser exchanges it for an HttpOnly SameSite=Strict cookie. Cookies ignore ports, so the cookie is named after
 * the daemon's port (which a restarted daemon takes again, see serve.ts): the daemons of several projects on one
 * machine keep separate sessions in one browser, and a page stays logged in across a restart of its daemon.
 */
export function createSessions(opts: { port: () => number; now?: () => number; keep?: SessionKeep }) {
  const now = opts.now ?? Date.now;
  const keep = opts.keep ?? memorySessionKeep();
  const links = new Map<string, number>();
  const cookieName = (): string => `orch_${opts.port()}`;
  let swept = 0;
  const sweepLinks = (): void => {
    const t = now();
    for (const [k, until] of links) if (until <= t) links.delete(k);
  };
  return {
    cookieName,
    /** A one-time secret for `/login?t=`; valid for LOGIN_LINK_MS. */
    newLoginToken(): string {
      sweepLinks();
      const t = randomBytes(24).toString('base64url');
      links.set(t, now() + LOGIN_LINK_MS);
      return t;
    },
    /** Spends a login token; the session id for the cookie, or undefined when unknown, used or expired. */
    exchange(token: string): string | undefined {
      sweepLinks();
      if (!links.has(token)) return undefined;
      links.delete(token);
      const id = randomBytes(32).toString('base64url');
      keep.add(digest(id), now() + SESSION_MS);
      return id;
    },
    /** `secure`: the login came over TLS (a network listener), so the browser must never send the cookie in clear. */
    setCookie(id: string, secure = false): string {
      return `${cookieName()}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(SESSION_MS / 1000)}${secure ? '; Secure' : ''}`;
    },
    clearCookie(): string {
      return `${cookieName()}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
    },
    /** Whether the request carries a live session cookie of this daemon. */
    valid(req: IncomingMessage): boolean {
      const given = readCookie(req.headers.cookie, cookieName());
      if (!given) return false;
      const t = now();
      if (t - swept > 60_000) {
        swept = t;
        keep.sweep(t);
      }
      const until = keep.expiry(digest(given));
      return until !== undefined && until > t;
    },
    end(req: IncomingMessage): void {
      const given = readCookie(req.headers.cookie, cookieName());
      if (given) keep.remove(digest(given));
    },
  };
}
export type Sessions = ReturnType<typeof createSessions>;

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The `host:port` names of this daemon (one definition, in ./guard.ts). */
export { allowedHosts } from './guard.js';

/** Whether the request came over TLS (the network listener with daemon.tls_cert): its page's origin is https. */
export function overTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

/** A cookie-authenticated request: Host must name this daemon; a state-changing one needs a same-origin Origin. */
export function browserRequestProblem(req: IncomingMessage, hosts: Set<string>): string | undefined {
  const scheme = overTls(req) ? 'https' : 'http';
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return `Host "${host}" is not this daemon's address`;
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return undefined;
  const origin = req.headers.origin;
  if (!origin) return 'a state-changing request from the browser needs an Origin header';
  if (origin !== `${scheme}://${host}`) return `Origin "${origin}" is not this daemon's page`;
  return undefined;
}
