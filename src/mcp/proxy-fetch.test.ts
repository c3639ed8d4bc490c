import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveProxy } from '../sandbox/network/proxy.js';
import { createDaemonClient } from './daemon.js';
import { mcpServerEnv } from './env.js';
import { startFakeDaemon } from './fake-daemon.js';
import { bypassesProxy, createProxyFetch, fetchFor, proxyFor } from './proxy-fetch.js';

const portOf = (s: Server | TcpServer): number => (s.address() as AddressInfo).port;
const listen = <S extends Server | TcpServer>(s: S): Promise<S> => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));

describe('which requests go through the proxy', () => {
  const env = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:8', NO_PROXY: 'localhost,127.0.0.1,::1,.internal,db:5432' };
  it('loopback and NO_PROXY names go direct; the rest by scheme', () => {
    expect(proxyFor(new URL('http://127.0.0.1:7777/x'), env)).toBeUndefined();
    expect(proxyFor(new URL('http://[::1]:7777/x'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://coord.internal:7777/'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://internal.example:7777/'), env)?.port).toBe('9');
    expect(proxyFor(new URL('https://coord.example:7777/'), env)?.port).toBe('9');
    expect(proxyFor(new URL('http://coord.example:7777/'), env)?.port).toBe('8');
    expect(proxyFor(new URL('http://coord.example/'), {})).toBeUndefined();
    expect(proxyFor(new URL('https://coord.example/'), { https_proxy: '127.0.0.1:3128' })?.href).toBe('http://127.0.0.1:3128/');
  });
  it('reads NO_PROXY as curl does: *, suffixes, host:port', () => {
    expect(bypassesProxy(new URL('https://a.b.example/'), '*')).toBe(true);
    expect(bypassesProxy(new URL('https://a.b.example/'), 'example')).toBe(true);
    expect(bypassesProxy(new URL('https://notexample/'), 'example')).toBe(false);
    expect(bypassesProxy(new URL('http://db:5432/'), 'db:5432')).toBe(true);
    expect(bypassesProxy(new URL('http://db:5433/'), 'db:5432')).toBe(false);
    expect(bypassesProxy(new URL('https://x.example/'), '*.example')).toBe(true);
  });
  it('no proxy, no special fetch', () => {
    expect(fetchFor('https://coord.example:7777', {})).toBeUndefined();
    expect(fetchFor('not a url', env)).toBeUndefined();
    expect(fetchFor('https://coord.example:7777', env)).toBeTypeOf('function');
  });
});

/**
 * A coordinator on another machine, seen from inside the sandbox: its name resolves nowhere here, the sandbox's own
 * proxy (the one the gate runs) is the only way to it, and that proxy lets through only the hosts allowed.
 */
describe('the MCP client reaches a daemon on another machine through the sandbox proxy', () => {
  const seen: Array<{ method: string; url: string; auth: string; body: string; tls: boolean }> = [];
  const handler = (tls: boolean) => (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization ?? '', body, tls });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, host: req.headers.host }));
    });
  };
  let dir: string;
  let cert: string;
  let plain: Server;
  let secure: Server;
  let proxy: TcpServer;
  let proxyUrl: URL;
  const refused: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-proxy-fetch-'));
    const key = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certFile, '-days', '1',
      '-subj', '/CN=coord.example', '-addext', 'subjectAltName=DNS:coord.example'], { stdio: 'ignore' });
    cert = readFileSync(certFile, 'utf8');
    plain = await listen(createHttpServer(handler(false)));
    secure = await listen(createHttpsServer({ key: readFileSync(key), cert }, handler(true)));
    // The sandbox proxy, with `coord.example` pointing at the local servers (there is no such machine).
    const ports: Record<number, number> = { 7080: portOf(plain), 7443: portOf(secure) };
    proxy = await listen(createTcpServer((c) => void serveProxy(c, {
      allow: ['coord.example:7080', 'coord.example:7443'],
      connect: (_h, p) => connect({ host: '127.0.0.1', port: ports[p] ?? 1 }),
      refused: (t) => refused.push(t),
    })));
    proxyUrl = new URL(`http://127.0.0.1:${portOf(proxy)}`);
  });
  afterAll(() => {
    plain?.close();
    secure?.close();
    proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('https: a CONNECT tunnel, then TLS checked against the coordinator name', async () => {
    const f = createProxyFetch(proxyUrl, { ca: cert });
    const res = await f('https://coord.example:7443/api/runs/r1/signals?x=1', { method: 'POST', headers: { authorization: 'Bearer t0k' }, body: '{"kind":"done"}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, host: 'coord.example:7443' });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/api/runs/r1/signals?x=1', auth: 'Bearer t0k', body: '{"kind":"done"}', tls: true });
  });

  it('http: an absolute-form request', async () => {
    const f = createProxyFetch(proxyUrl);
    const res = await f('http://coord.example:7080/api/runs/r1/signals/s1', { headers: { authorization: 'Bearer t0k' } });
    expect(await res.json()).toEqual({ ok: true, host: 'coord.example:7080' });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/runs/r1/signals/s1', tls: false });
  });

  it('a certificate for another name is refused', async () => {
    const f = createProxyFetch(proxyUrl);
    await expect(f('https://coord.example:7443/')).rejects.toThrow(/self-signed|certificate/i);
  });

  it('a host the sandbox does not allow: the proxy refuses, and the daemon client says so as a tool error', async () => {
    const client = createDaemonClient({ daemonUrl: 'https://elsewhere.example:7443', token: 't', runId: 'r1', fetch: createProxyFetch(proxyUrl) });
    const r = await client.getSignal('s1');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/unreachable.*refused CONNECT elsewhere\.example:7443: HTTP 403/);
    expect(refused).toContain('elsewhere.example:7443');
  });
});

/** The built MCP server process, as an agent CLI inside the sandbox starts it, with only the proxy as a way out. */
describe('the MCP server process with a remote daemon URL', () => {
  it('sends orch_done through HTTP_PROXY (Node 20 fetch alone would look the name up and fail)', async () => {
    const entry = fileURLToPath(new URL('../../dist/src/mcp/main.js', import.meta.url));
    const daemon = await startFakeDaemon({ token: 'run-token' });
    const daemonPort = Number(new URL(daemon.url).port);
    const proxy = await listen(createTcpServer((c) => void serveProxy(c, {
      allow: ['coord.example:7080'],
      connect: () => connect({ host: '127.0.0.1', port: daemonPort }),
    })));
    const client = new Client({ name: 'proxy-test', version: '1.0.0' });
    try {
      const env = {
        PATH: process.env.PATH ?? '',
        HTTP_PROXY: `http://127.0.0.1:${portOf(proxy)}`,
        NO_PROXY: 'localhost,127.0.0.1,::1',
        ...mcpServerEnv({ daemonUrl: 'http://coord.example:7080', token: 'run-token', runId: 'r1', commands: {} }),
      };
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [entry], env, stderr: 'inherit' }));
      const res = await client.callTool({ name: 'orch_done', arguments: { summary: 'through the proxy' } });
      expect(res.isError ?? false).toBe(false);
      expect(daemon.signals.map((x) => x.kind)).toEqual(['done']);
      expect(daemon.requests.every((r) => r.authorized)).toBe(true);
    } finally {
      await client.close();
      proxy.close();
      await daemon.close();
    }
  }, 60_000);
});
