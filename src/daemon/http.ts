import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isDiskFull } from '../store/index.js';
import { timingSafeEqual } from 'node:crypto';
import type { ErrorBody } from '../api/index.js';

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: { params: Record<string, string>; url: URL; body: unknown }) => Promise<unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A tiny router: `/api/runs/:id` patterns, JSON in and out, bearer-token auth, errors as ErrorBody. */
export function createRouter(opts: { token: string; onError: (e: unknown) => void; stateDir?: string }) {
  const routes: Route[] = [];
  const hooks: Array<(req: IncomingMessage, url: URL) => void> = [];
  const add = (method: string, path: string, handler: Handler): void => {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_, k: string) => {
        keys.push(k);
        return '([^/]+)';
      })}$`,
    );
    routes.push({ method, pattern, keys, handler });
  };

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
    const a = Buffer.from(given);
    const b = Buffer.from(opts.token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const sendError = (res: ServerResponse, status: number, code: string, message: string, details?: unknown): void => {
    if (res.headersSent) {
      res.end();
      return;
    }
    const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/health' && !authorized(req, url)) {
      sendError(res, 401, 'unauthorized', 'missing or wrong token; clients read it from the daemon file in the state directory');
      return;
    }
    for (const h of hooks) h(req, url);
    for (const r of routes) {
      if (r.method !== req.method) continue;
      const m = r.pattern.exec(url.pathname);
      if (!m) continue;
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1] ?? '')]));
      try {
        const body = req.method === 'POST' ? await readJson(req) : undefined;
        const out = await r.handler(req, res, { params, url, body });
        if (out !== undefined && !res.headersSent) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out));
        }
      } catch (e) {
        if (e instanceof HttpError) sendError(res, e.status, e.code, e.message, e.details);
        else if (e instanceof Error && 'code' in e && 'status' in e && typeof e.status === 'number') {
          sendError(res, e.status, String(e.code), e.message);
        } else if (isDiskFull(e)) {
          // SQLite rolled the transaction back: the store is intact, the request simply did not happen.
          opts.onError(e);
          const where = opts.stateDir ? ` (Orch's state is in ${opts.stateDir})` : '';
          sendError(res, 507, 'disk_full', `Orch could not save its state: the disk is full (${e instanceof Error ? e.message : String(e)}). Nothing was changed and nothing is lost. Free space on that disk${where}, then run the command again.`);
        } else {
          opts.onError(e);
          sendError(res, 500, 'internal', e instanceof Error ? e.message : String(e));
        }
      }
      return;
    }
    sendError(res, 404, 'not_found', `no route ${req.method ?? ''} ${url.pathname}`);
  }

  return {
    /** Called for every authorised request before its route. */
    use: (h: (req: IncomingMessage, url: URL) => void) => void hooks.push(h),
    get: (p: string, h: Handler) => add('GET', p, h),
    post: (p: string, h: Handler) => add('POST', p, h),
    listen(host: string, port: number): Promise<Server> {
      const server = createServer((req, res) => void handle(req, res));
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
      });
    },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new HttpError(413, 'too_large', 'request body over 1 MB');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'bad_json', 'request body is not valid JSON');
  }
}
