import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** How long a login link from `orch open` works: long enough to open a browser, short enough to go stale in a history. */
export const LOGIN_LINK_MS = 120_000;
/** A browser session lasts while the daemon runs, at most this long; `orch open` logs in again. */
export const SESSION_MS = 7 * 24 * 3600_000;

/**
 * Browser sessions of the web page: `orch open` asks the daemon (with its bearer token) for a one-time login link,
 * the browser exchanges it for an HttpOnly SameSite=Strict cookie. Cookies ignore ports, so the cookie is named after
 * the daemon's port: the daemons of several projects on one machine keep separate sessions in one browser.
 */
export function createSessions(opts: { port: () => number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const links = new Map<string, number>();
  const sessions = new Map<string, number>();
  const cookieName = (): string => `orch_${opts.port()}`;
  const sweep = (m: Map<string, number>): void => {
    const t = now();
    for (const [k, until] of m) if (until <= t) m.delete(k);
  };
  return {
    cookieName,
    /** A one-time secret for `/login?t=`; valid for LOGIN_LINK_MS. */
    newLoginToken(): string {
      sweep(links);
      const t = randomBytes(24).toString('base64url');
      links.set(t, now() + LOGIN_LINK_MS);
      return t;
    },
    /** Spends a login token; the session id for the cookie, or undefined when unknown, used or expired. */
    exchange(token: string): string | undefined {
      sweep(links);
      if (!links.has(token)) return undefined;
      links.delete(token);
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, now() + SESSION_MS);
      return id;
    },
    setCookie(id: string): string {
      return `${cookieName()}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(SESSION_MS / 1000)}`;
    },
    clearCookie(): string {
      return `${cookieName()}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
    },
    /** Whether the request carries a live session cookie of this daemon. */
    valid(req: IncomingMessage): boolean {
      const given = readCookie(req.headers.cookie, cookieName());
      if (!given) return false;
      sweep(sessions);
      const a = Buffer.from(given);
      for (const id of sessions.keys()) {
        const b = Buffer.from(id);
        if (a.length === b.length && timingSafeEqual(a, b)) return true;
      }
      return false;
    },
    end(req: IncomingMessage): void {
      const given = readCookie(req.headers.cookie, cookieName());
      if (given) sessions.delete(given);
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

/** A cookie-authenticated request: Host must name this daemon; a state-changing one needs a same-origin Origin. */
export function browserRequestProblem(req: IncomingMessage, hosts: Set<string>, scheme: 'http' | 'https' = 'http'): string | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return `Host "${host}" is not this daemon's address`;
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return undefined;
  const origin = req.headers.origin;
  if (!origin) return 'a state-changing request from the browser needs an Origin header';
  if (origin !== `${scheme}://${host}`) return `Origin "${origin}" is not this daemon's page`;
  return undefined;
}
