/**
 * The sandbox's way out: an HTTP proxy (CONNECT for https, absolute-form requests for http) serving one connection
 * from inside the sandbox, letting through only the hosts allowed (see allow.ts). A refused host gets a 403 that says
 * which key allows it, and a line on stderr (the agent's log). An upstream proxy of the user's (HTTPS_PROXY of the
 * daemon) is used for what is let through.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { hostAllowed, splitHostPort } from './allow.js';

const MAX_HEAD = 16 * 1024;

export interface ProxyOptions {
  allow: readonly string[];
  /** http://host:port of a proxy to go through, or undefined for direct connections. */
  upstream?: string;
  /** Opens a TCP connection (tests point names at a local server). */
  connect?: (host: string, port: number) => Socket;
  /** Told each refusal. */
  refused?: (target: string) => void;
}

const reply = (client: Socket, status: string, text: string): void => {
  client.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
};

/** Reads the request head (up to the blank line); resolves with it and whatever followed. */
const readHead = (client: Socket): Promise<{ head: string; rest: Buffer } | undefined> =>
  new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        done();
        resolve({ head: buf.subarray(0, end).toString('latin1'), rest: buf.subarray(end + 4) });
      } else if (buf.length > MAX_HEAD) {
        done();
        resolve(undefined);
      }
    };
    const onEnd = (): void => {
      done();
      resolve(undefined);
    };
    const done = (): void => {
      client.off('data', onData).off('end', onEnd).off('error', onEnd);
      client.pause();
    };
    client.on('data', onData).once('end', onEnd).once('error', onEnd);
  });

/** Relays two sockets both ways; either one's end or error ends both. */
export const pipeBoth = (a: Socket, b: Socket): void => {
  a.pipe(b);
  b.pipe(a);
  const close = (): void => {
    a.destroy();
    b.destroy();
  };
  a.once('error', close).once('close', close);
  b.once('error', close).once('close', close);
  a.resume();
};

/** The upstream's answer to a CONNECT: resolves true on a 2xx status line. */
const upstreamConnect = (up: Socket, target: string): Promise<boolean> =>
  new Promise((resolve) => {
    up.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`);
    void readHead(up).then((r) => {
      if (r && r.rest.length > 0) up.unshift(r.rest);
      resolve(!!r && /^HTTP\/1\.[01] 2\d\d/.test(r.head));
    });
  });

/** Serves one client connection. */
export const serveProxy = async (client: Socket, o: ProxyOptions): Promise<void> => {
  client.on('error', () => undefined);
  const got = await readHead(client);
  if (!got) return void client.destroy();
  const [requestLine = '', ...headers] = got.head.split('\r\n');
  const [method = '', target = ''] = requestLine.split(' ');
  let host: string;
  let port: number;
  let origin = '';
  if (method.toUpperCase() === 'CONNECT') {
    const hp = splitHostPort(target);
    if (!hp.port) return reply(client, '400 Bad Request', `orch sandbox proxy: CONNECT needs host:port, got "${target}"\n`);
    host = hp.host.replace(/^\[|\]$/g, '');
    port = hp.port;
  } else {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return reply(client, '400 Bad Request', 'orch sandbox proxy: only proxy requests (CONNECT host:port, or an absolute http:// URL)\n');
    }
    if (url.protocol !== 'http:') return reply(client, '400 Bad Request', `orch sandbox proxy: ${url.protocol} is not proxied\n`);
    host = url.hostname.replace(/^\[|\]$/g, '');
    port = url.port ? Number(url.port) : 80;
    origin = `${method} ${url.pathname}${url.search} ${requestLine.split(' ')[2] ?? 'HTTP/1.1'}`;
  }
  const where = `${host}:${port}`;
  if (!hostAllowed(o.allow, host, port)) {
    o.refused?.(where);
    return reply(client, '403 Forbidden', `orch sandbox: ${where} is not allowed from inside the agent sandbox; add "${host}" to [sandbox] allow_hosts in ~/.config/orch/config.toml if agents need it\n`);
  }
  const up = o.upstream ? new URL(o.upstream) : undefined;
  const open = o.connect ?? ((h: string, p: number) => tcpConnect({ host: h, port: p }));
  const server = up ? open(up.hostname.replace(/^\[|\]$/g, ''), Number(up.port) || 80) : open(host, port);
  server.once('error', (e) => reply(client, '502 Bad Gateway', `orch sandbox proxy: ${where}: ${e.message}\n`));
  await new Promise<void>((resolve) => server.once('connect', resolve).once('error', () => resolve()));
  if (server.destroyed) return;
  if (method.toUpperCase() === 'CONNECT') {
    if (up && !(await upstreamConnect(server, where))) return reply(client, '502 Bad Gateway', `orch sandbox proxy: the upstream proxy refused ${where}\n`);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  } else {
    // Through an upstream the absolute form stays; to the origin it becomes a path. Proxy headers stay here.
    const kept = headers.filter((h) => !/^proxy-(connection|authorization):/i.test(h));
    server.write(`${up ? requestLine : origin}\r\n${kept.join('\r\n')}\r\n\r\n`);
  }
  if (got.rest.length > 0) server.write(got.rest);
  pipeBoth(client, server);
};
