import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export type Target = { ok: true; url: URL } | { ok: false; message: string };

/**
 * The request target as a URL, never throwing: origin-form (`/api/x?y`) is what clients send; absolute-form is
 * accepted when it parses (its host is checked like a Host header); anything else is a bad request.
 */
export function parseTarget(raw: string | undefined): Target {
  const target = raw ?? '';
  if (target.length > 8192) return { ok: false, message: 'request target over 8 KB' };
  try {
    let url: URL | undefined;
    if (target.startsWith('/') && !target.startsWith('//')) url = new URL(target, 'http://localhost');
    else if (/^https?:\/\//i.test(target)) url = new URL(target);
    // Every handler may decode the path (the web page's files, route params): a bad escape stops here, as a 400.
    if (url) {
      decodeURIComponent(url.pathname);
      return { ok: true, url };
    }
  } catch {
    // falls through to the 400 below
  }
  return { ok: false, message: `malformed request target ${JSON.stringify(target.slice(0, 100))}; send a path such as /api/status` };
}

/** Decodes a path segment; undefined for a bad percent-escape (`%ZZ`) or a segment that decodes to a path. */
export function decodeSegment(s: string): string | undefined {
  try {
    const d = decodeURIComponent(s);
    return d.includes('/') || d.includes('\0') ? undefined : d;
  } catch {
    return undefined;
  }
}

/** `host` as it appears in a Host header: IPv6 addresses in brackets. */
export function hostForHeader(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host.toLowerCase();
}

/**
 * The Host values this daemon answers to: the loopback names and the configured bind address, each with the port
 * the request came in on. A DNS-rebinding page sends its own domain as Host and is refused.
 */
export function allowedHosts(configured: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (port <= 0) return new Set();
  if (configured !== '0.0.0.0' && configured !== '::') names.add(hostForHeader(configured));
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${port}`);
    if (port === 80) out.add(n);
  }
  return out;
}

export type Check = { ok: true } | { ok: false; status: number; code: string; message: string };

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Host always; Origin (when a browser sends one) on every state-changing request: a page on another origin
 * cannot drive the daemon even with a session cookie. Non-browser clients send no Origin.
 */
export function checkRequest(req: IncomingMessage, url: URL, hosts: Set<string>): Check {
  const host = (req.headers.host ?? '').toLowerCase();
  const ok = (h: string): boolean => hosts.has(h);
  if (!host) return { ok: false, status: 400, code: 'bad_host', message: 'the Host header is required' };
  if (!ok(host)) {
    return { ok: false, status: 421, code: 'bad_host', message: `this daemon does not answer to Host ${JSON.stringify(host.slice(0, 100))}; use http://127.0.0.1:<port> or the configured daemon.host` };
  }
  if (url.host && url.host !== 'localhost' && !ok(url.host.toLowerCase())) {
    return { ok: false, status: 421, code: 'bad_host', message: 'the request target names another host' };
  }
  if (STATE_CHANGING.has(req.method ?? '')) {
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, ok)) {
      return { ok: false, status: 403, code: 'bad_origin', message: `requests from origin ${JSON.stringify(origin.slice(0, 100))} may not change anything here` };
    }
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site') return { ok: false, status: 403, code: 'bad_origin', message: 'cross-site requests may not change anything here' };
  }
  return { ok: true };
}

function originAllowed(origin: string, ok: (h: string) => boolean): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ok(u.host.toLowerCase());
  } catch {
    return false;
  }
}
