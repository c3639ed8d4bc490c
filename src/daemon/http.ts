import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isDiskFull } from '../store/index.js';
import type { ErrorBody } from '../api/index.js';
import { bearerOf, type Auth, type Principal } from './auth.js';
import { browserRequestProblem, type Sessions } from './session.js';

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { params: Record<string, string>; url: URL; body: unknown; principal: Principal },
) => Promise<unknown>;

export interface RouteOptions {
  /** The path parameter naming a run: that run's own token may call this route too. Without it, admin only. */
  runParam?: string;
  /** No token needed (health). The handler then gets an `anonymous` principal unless a valid token came along. */
  open?: boolean;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  options: RouteOptions;
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

/**
 * A tiny router: `/api/runs/:id` patterns, JSON in and out, bearer-token auth, errors as ErrorBody.
 * Every route is the admin's unless it names a `runParam`: then the token of that very run may call it as well.
 */
export function createRouter(opts: {
  auth: Auth;
  onError: (e: unknown) => void;
  stateDir?: string;
  /**
   * The web page: its browser sessions are a second way in for the user (cookie, checked Host, same-origin Origin on
   * state changes), and `web` serves every non-API path.
   */
  browser?: { sessions: Sessions; hosts: () => Set<string>; web: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean; user: string };
}) {
  const routes: Route[] = [];
  const add = (method: string, path: string, handler: Handler, options: RouteOptions = {}): void => {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_, k: string) => {
        keys.push(k);
        return '([^/]+)';
      })}$`,
    );
    routes.push({ method, pattern, keys, handler, options });
  };

  const authenticate = (req: IncomingMessage, url: URL): Principal | undefined =>
    opts.auth.authenticate(bearerOf(req.headers.authorization) ?? (url.searchParams.get('token') ?? undefined));

  /** Why `principal` may not call `route` with these params; undefined when it may. */
  const forbidden = (principal: Principal, route: Route, params: Record<string, string>): string | undefined => {
    if (principal.kind === 'admin') return undefined;
    if (principal.kind === 'anonymous') return 'a token is required';
    const param = route.options.runParam;
    if (!param) return `a run's token may only send that run's signals; ${route.method} ${route.pattern.source} needs the user's token`;
    if (params[param] !== principal.runId) return `the token of run ${principal.runId} may not act for run ${params[param] ?? ''}`;
    return undefined;
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
    if (opts.browser && !url.pathname.startsWith('/api/') && opts.browser.web(req, res, url)) return;
    let caller = authenticate(req, url);
    if (!caller && opts.browser?.sessions.valid(req)) {
      const problem = browserRequestProblem(req, opts.browser.hosts());
      if (problem) {
        sendError(res, 403, 'forbidden', `refused: ${problem}`);
        return;
      }
      caller = { kind: 'admin', name: opts.browser.user, session: true };
    }
    const isOpen = routes.some((r) => r.options.open && r.method === req.method && r.pattern.test(url.pathname));
    if (!caller && !isOpen) {
      sendError(res, 401, 'unauthorized', 'missing or wrong token; clients read it from the daemon file in the state directory, the web page logs in with `orch open`');
      return;
    }
    const principal: Principal = caller ?? { kind: 'anonymous' };
    for (const r of routes) {
      if (r.method !== req.method) continue;
      const m = r.pattern.exec(url.pathname);
      if (!m) continue;
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1] ?? '')]));
      const denied = r.options.open ? undefined : forbidden(principal, r, params);
      if (denied) {
        sendError(res, 403, 'forbidden', denied);
        return;
      }
      try {
        const body = req.method === 'POST' ? await readJson(req) : undefined;
        const out = await r.handler(req, res, { params, url, body, principal });
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
    get: (p: string, h: Handler, o?: RouteOptions) => add('GET', p, h, o),
    post: (p: string, h: Handler, o?: RouteOptions) => add('POST', p, h, o),
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
