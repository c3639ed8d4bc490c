import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { browserRequestProblem, overTls, type Sessions } from './session.js';

/**
 * No inline script, no eval, nothing from another origin; the page cannot be framed. Styles come from the built CSS
 * file; style attributes set through the DOM (Svelte's style: directives, chart sizes) are not inline markup.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Where `vite build` put the page: dist/web beside the compiled daemon, or next to a bundled CLI. */
export function findWebDir(): string | undefined {
  const candidates = ['../../web/', '../web/', './web/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((d) => existsSync(join(d, 'index.html')));
}

interface Asset {
  type: string;
  raw: Buffer;
  gz: Buffer;
}

/** Serves the built page, `/login` (one-time link to session cookie) and `/logout`. Returns false for other paths. */
export function createWebHandler(o: { dir: string | undefined; sessions: Sessions; hosts: () => Set<string> }) {
  const cache = new Map<string, Asset>();
  const load = (rel: string): Asset | undefined => {
    if (!o.dir) return undefined;
    const hit = cache.get(rel);
    if (hit) return hit;
    const file = normalize(join(o.dir, rel));
    if (!file.startsWith(normalize(o.dir + sep)) || !existsSync(file) || !statSync(file).isFile()) return undefined;
    const raw = readFileSync(file);
    const asset = { type: TYPES[extname(file)] ?? 'application/octet-stream', raw, gz: gzipSync(raw) };
    cache.set(rel, asset);
    return asset;
  };

  const send = (req: IncomingMessage, res: ServerResponse, status: number, a: Asset, cache: string): void => {
    const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gz ? a.gz : a.raw;
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'content-type': a.type,
      'cache-control': cache,
      'content-length': body.length,
      vary: 'accept-encoding',
      ...(gz ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const text = (res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra });
    res.end(body);
  };

  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const hostProblem = browserRequestProblem(req, o.hosts());
    if (url.pathname === '/login') {
      if (hostProblem) return void text(res, 403, `refused: ${hostProblem}`), true;
      const id = o.sessions.exchange(url.searchParams.get('t') ?? '');
      if (!id) {
        // A used link opened again (back, reload, history) by a browser that holds a session: it is logged in.
        if (o.sessions.valid(req)) {
          res.writeHead(303, { ...SECURITY_HEADERS, location: '/', 'cache-control': 'no-store' });
          return void res.end(), true;
        }
        return void text(res, 401, 'This login link was already used or has expired. Run `orch open` (or `orch open --print-url`) for a new one.\n'), true;
      }
      res.writeHead(303, { ...SECURITY_HEADERS, 'set-cookie': o.sessions.setCookie(id, overTls(req)), location: '/', 'cache-control': 'no-store' });
      res.end();
      return true;
    }
    if (url.pathname === '/logout') {
      o.sessions.end(req);
      return void text(res, 200, 'Logged out. `orch open` logs in again.\n', { 'set-cookie': o.sessions.clearCookie() }), true;
    }
    if (hostProblem) return void text(res, 403, `refused: ${hostProblem}`), true;
    if (!o.dir) {
      text(res, 404, 'The web page was not built into this copy of Orch. Run `npm run build` in its checkout.\n');
      return true;
    }
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const asset = rel && !rel.endsWith('/') ? load(rel) : undefined;
    if (asset) {
      send(req, res, 200, asset, rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return true;
    }
    if (rel.startsWith('assets/')) return void text(res, 404, `no such file ${url.pathname}`), true;
    // Every other path is a page of the app: the same shell, which routes in the browser.
    const shell = load('index.html');
    if (!shell) return void text(res, 404, 'index.html is missing from the built page; run `npm run build`.\n'), true;
    send(req, res, 200, shell, 'no-store');
    return true;
  };
}
