/**
 * The MCP server's way to a daemon on another machine from inside the sandbox's network namespace, where the only
 * way out is the gate's HTTP proxy (HTTPS_PROXY / HTTP_PROXY). Node's fetch reads those variables only from Node 24
 * (NODE_USE_ENV_PROXY), so on Node 20 and 22 a coordinator's MCP route on another host was unreachable: this speaks
 * the proxy protocol itself (CONNECT then TLS for https, an absolute-form request for http).
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';

type Env = Record<string, string | undefined>;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

const defaultPort = (u: URL): string => u.port || (u.protocol === 'https:' ? '443' : '80');

/** NO_PROXY as curl reads it: `*`, host names (a leading dot or none: the name and its subdomains), host:port. */
export const bypassesProxy = (url: URL, noProxy: string | undefined): boolean => {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of (noProxy ?? '').split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    const name = (m[1] ?? '').replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (m[2] && m[2] !== defaultPort(url)) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
};

/** The proxy a request to `url` goes through under `env`, or undefined for a direct one (loopback never proxied). */
export const proxyFor = (url: URL, env: Env): URL | undefined => {
  if (LOOPBACK.has(url.hostname.toLowerCase())) return undefined;
  if (bypassesProxy(url, env.NO_PROXY ?? env.no_proxy)) return undefined;
  const raw = url.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!raw) return undefined;
  try {
    const p = new URL(raw.includes('://') ? raw : `http://${raw}`);
    return p.protocol === 'http:' ? p : undefined;
  } catch {
    return undefined;
  }
};

const headersOf = (init: RequestInit | undefined, url: URL): OutgoingHttpHeaders => {
  const out: OutgoingHttpHeaders = { host: url.host };
  new Headers(init?.headers).forEach((v, k) => {
    out[k] = v;
  });
  if (typeof init?.body === 'string') out['content-length'] = String(Buffer.byteLength(init.body));
  return out;
};

const toResponse = (res: IncomingMessage): Promise<Response> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('error', reject);
    res.once('end', () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) headers.append(k, x);
        else if (v !== undefined) headers.set(k, v);
      }
      const status = res.statusCode ?? 502;
      const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
      resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers }));
    });
  });

/** Opens a tunnel to `target` (host:port) through `proxy`; the proxy's refusal (403 naming the key) is the error. */
const tunnel = (proxy: URL, target: string, signal: AbortSignal | undefined): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: target, headers: { host: target }, signal, agent: false });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new Error(`proxy ${proxy.host} refused CONNECT ${target}: HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim()));
    });
    req.once('error', reject);
    req.end();
  });

export interface ProxyFetchOptions {
  /** Certificates to trust for https targets (tests); default: Node's, NODE_EXTRA_CA_CERTS included. */
  ca?: string | Buffer;
}

/** A `fetch` for string bodies and buffered replies (what the daemon client needs) that goes through `proxy`. */
export const createProxyFetch = (proxy: URL, o: ProxyFetchOptions = {}): typeof fetch =>
  (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    const signal = init?.signal ?? undefined;
    const headers = headersOf(init, url);
    const body = typeof init?.body === 'string' ? init.body : undefined;
    const send = (req: ReturnType<typeof httpRequest>): Promise<Response> =>
      new Promise((resolve, reject) => {
        req.once('response', (res) => toResponse(res).then(resolve, reject));
        req.once('error', reject);
        req.end(body);
      });
    if (url.protocol === 'http:') {
      // A connection of its own: the sandbox proxy serves one request per connection.
      return send(httpRequest({ host: proxy.hostname, port: proxy.port || 80, method, path: url.href, headers, signal, agent: false }));
    }
    if (url.protocol !== 'https:') throw new TypeError(`cannot fetch ${url.protocol} through a proxy`);
    const socket = await tunnel(proxy, `${url.hostname}:${defaultPort(url)}`, signal);
    const secure = tlsConnect({ socket, servername: url.hostname.replace(/^\[|\]$/g, ''), ...(o.ca ? { ca: o.ca } : {}) });
    // The certificate is checked against the coordinator's name before anything is sent (the token among it).
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve()).once('error', (e) => {
        socket.destroy();
        reject(e);
      });
    });
    // No agent: the request goes on this one connection (an agent would dial the name itself).
    return send(httpRequest({ host: url.hostname, port: defaultPort(url), method, path: `${url.pathname}${url.search}`, headers, signal, createConnection: () => secure }));
  }) as typeof fetch;

/** The fetch the daemon client uses for `daemonUrl` under `env`: through the proxy when one applies, else Node's. */
export const fetchFor = (daemonUrl: string, env: Env): typeof fetch | undefined => {
  let url: URL;
  try {
    url = new URL(daemonUrl);
  } catch {
    return undefined;
  }
  const proxy = proxyFor(url, env);
  return proxy ? createProxyFetch(proxy) : undefined;
};
