import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { z } from 'zod';
import { isDiskFull } from '../store/index.js';
import type { ErrorBody } from '../api/index.js';
import { checkRequest, decodeSegment, parseTarget } from './guard.js';
import { bearerOf, type Auth, type Principal } from './auth.js';
import { browserRequestProblem, type Sessions } from './session.js';

export interface HandlerContext<B = unknown> {
  params: Record<string, string>;
  url: URL;
  body: B;
  /** Who is asking; `anonymous` only on open routes called without credentials. */
  principal: Principal;
}

export type Handler<B = unknown> = (req: IncomingMessage, res: ServerResponse, ctx: HandlerContext<B>) => Promise<unknown>;

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
  body?: z.ZodType;
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

export interface RouterOptions {
  /** The daemon's bearer tokens (admin and per run), read from the Authorization header only. */
  auth: Auth;
  onError: (e: unknown) => void;
  stateDir?: string;
  /**
   * The `host:port` values this daemon answers to (loopback names, the bound address, on the network the machine's
   * own names): anything else is a DNS-rebinding page and gets 421. Empty before the server listens.
   */
  hosts: () => Set<string>;
  /**
   * The web page: its browser sessions are a second way in for the user (cookie, checked Host, same-origin Origin on
   * state changes), and `web` serves every non-API path.
   */
  browser?: { sessions: Sessions; web: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean; user: string };
}

export interface TlsOptions {
  cert: Buffer;
  key: Buffer;
}

const MAX_BODY = 1_000_000;

/**
 * A tiny router: `/api/runs/:id` patterns, JSON in and out, Host/Origin checks, authentication, errors as ErrorBody.
 * Every route is the admin's unless it names a `runParam`: then the token of that very run may call it as well.
 */
export function createRouter(opts: RouterOptions) {
  const routes: Route[] = [];
  const hooks: Array<(req: IncomingMessage, url: URL) => void> = [];
  const add = (method: string, path: string, handler: Handler, options: RouteOptions, body?: z.ZodType): void => {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_, k: string) => {
        keys.push(k);
        return '([^/]+)';
      })}$`,
    );
    routes.push({ method, pattern, keys, handler, options, ...(body ? { body } : {}) });
  };

  /** The bearer token first; then a browser session, which must also come from this daemon's own page. */
  const authenticate = (req: IncomingMessage): Principal | { problem: string } | undefined => {
    const bearer = opts.auth.authenticate(bearerOf(req.headers.authorization));
    if (bearer) return bearer;
    const b = opts.browser;
    if (!b?.sessions.valid(req)) return undefined;
    const problem = browserRequestProblem(req, opts.hosts());
    return problem ? { problem } : { kind: 'admin', name: b.user, session: true };
  };

  /** Why `principal` may not call `route` with these params; undefined when it may. */
  const forbidden = (principal: Principal, route: Route, params: Record<string, string>): string | undefined => {
    if (principal.kind === 'admin') return undefined;
    if (principal.kind === 'anonymous') return 'a token is required';
    const param = route.options.runParam;
    if (!param) return `a run's token may only reach that run's own routes (signals, commands, job logs); ${route.method} ${route.pattern.source} needs the user's token`;
    if (params[param] !== principal.runId) return `the token of run ${principal.runId} may not act for run ${params[param] ?? ''}`;
    return undefined;
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseTarget(req.url);
    if (!target.ok) return sendError(res, 400, 'bad_request', target.message);
    const url = target.url;
    const check = checkRequest(req, url, opts.hosts());
    if (!check.ok) return sendError(res, check.status, check.code, check.message);
    if (opts.browser && !url.pathname.startsWith('/api/') && opts.browser.web(req, res, url)) return;
    const found = authenticate(req);
    if (found && 'problem' in found) return sendError(res, 403, 'forbidden', `refused: ${found.problem}`);
    const caller = found;
    const pathRoutes = routes.filter((r) => r.pattern.test(url.pathname));
    const route = pathRoutes.find((r) => r.method === req.method);
    if (!caller && !route?.options.open) {
      return sendError(res, 401, 'unauthorized', 'missing or wrong token: send `Authorization: Bearer <token>`; clients read it from the daemon file in the state directory, the web page logs in with `orch open`');
    }
    if (!route) {
      if (pathRoutes.length > 0) return sendError(res, 405, 'method_not_allowed', `${req.method ?? ''} is not allowed on ${url.pathname}; use ${pathRoutes.map((r) => r.method).join(' or ')}`);
      return sendError(res, 404, 'not_found', `no route ${req.method ?? ''} ${url.pathname}`);
    }
    const m = route.pattern.exec(url.pathname) ?? [];
    const params: Record<string, string> = {};
    for (const [i, k] of route.keys.entries()) {
      const v = decodeSegment(m[i + 1] ?? '');
      if (v === undefined) return sendError(res, 400, 'bad_path', `path segment ${JSON.stringify((m[i + 1] ?? '').slice(0, 100))} is not a valid escaped ${k}`);
      params[k] = v;
    }
    const principal: Principal = caller ?? { kind: 'anonymous' };
    if (caller) for (const h of hooks) h(req, url);
    const denied = route.options.open ? undefined : forbidden(principal, route, params);
    if (denied) return sendError(res, 403, 'forbidden', denied);
    try {
      let body: unknown;
      if (route.method === 'POST') {
        const raw = await readJson(req);
        if (route.body) {
          const parsed = route.body.safeParse(raw);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
            throw new HttpError(400, 'bad_request', `bad request body for ${url.pathname}: ${issues.join('; ')}`, parsed.error.issues);
          }
          body = parsed.data;
        } else body = raw;
      }
      const out = await route.handler(req, res, { params, url, body, principal });
      if (out !== undefined && !res.headersSent) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out));
      }
    } catch (e) {
      if (e instanceof HttpError) sendError(res, e.status, e.code, e.message, e.details);
      else if (e instanceof Error && 'code' in e && 'status' in e && typeof e.status === 'number' && e.status >= 400 && e.status < 600) {
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
  }

  /** Nothing a client sends may end the daemon: every failure of a request stays in that request. */
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    dispatch(req, res).catch((e: unknown) => {
      opts.onError(e);
      try {
        sendError(res, 500, 'internal', 'the request failed inside the daemon; its log has the details');
      } catch {
        res.destroy();
      }
    });
  };

  return {
    /** Called for every authenticated request before its route. */
    use: (h: (req: IncomingMessage, url: URL) => void) => void hooks.push(h),
    get: (p: string, h: Handler, o: RouteOptions = {}) => add('GET', p, h, o),
    /** A POST route; `body` validates the JSON body (400 with the issues when it does not match). */
    post: <S extends z.ZodType>(p: string, body: S, h: Handler<z.output<S>>, o: RouteOptions = {}) => add('POST', p, h as Handler, o, body),
    listen(host: string, port: number, tls?: TlsOptions): Promise<Server> {
      const server: Server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, handle) : createServer(handle);
      server.headersTimeout = 20_000;
      server.requestTimeout = 60_000;
      // A malformed request line or header gets a 400 from Node's parser; the socket must not take the daemon down.
      server.on('clientError', (_err, socket) => {
        if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        else socket.destroy();
      });
      if (tls) server.on('tlsClientError', () => undefined);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          server.on('error', (e) => opts.onError(e));
          resolve(server);
        });
      });
    },
  };
}

export type Router = ReturnType<typeof createRouter>;

function sendError(res: ServerResponse, status: number, code: string, message: string, details?: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) throw new HttpError(413, 'too_large', 'request body over 1 MB');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'too_large', 'request body over 1 MB');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  // A browser cannot send application/json to another origin without a preflight this daemon never grants.
  if (type !== 'application/json') throw new HttpError(415, 'unsupported_media_type', 'send the body as JSON with `content-type: application/json`');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'bad_json', 'request body is not valid JSON');
  }
}
