import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectBwrap } from '../detect.js';
import { createSandboxer } from '../index.js';
import { hostAllowed, networkPlan, PROVIDER_HOSTS } from './allow.js';
import { serveProxy } from './proxy.js';

describe('what a launch may reach', () => {
  it('forwards the loopback ports its environment and argv name, and lets the other hosts through the proxy', () => {
    const plan = networkPlan([
      'http://127.0.0.1:4100', // ANTHROPIC_BASE_URL of the scripted model
      'model_providers.fake={base_url="http://localhost:4200/v1"}', // a Codex -c setting
      '{"provider":{"x":{"options":{"baseURL":"https://gw.corp.example:8443/v1"}}}}', // OPENCODE_CONFIG_CONTENT
      'http://[::1]:4300', // the daemon on IPv6
      '/usr/bin:/bin', // PATH: nothing
    ], ['127.0.0.1:5432', 'registry.npmjs.org', '@registries']);
    expect(plan.forwards).toEqual([{ port: 4100, host: '127.0.0.1' }, { port: 4200, host: 'localhost' }, { port: 4300, host: '::1' }, { port: 5432, host: '127.0.0.1' }]);
    expect(plan.allow).toEqual(expect.arrayContaining(['api.anthropic.com', 'gw.corp.example:8443', 'registry.npmjs.org', 'pypi.org', 'crates.io']));
  });

  it('allows a host by exact name, *.suffix or host:port; never loopback or a look-alike', () => {
    const allow = [...PROVIDER_HOSTS, '*.example.com', 'gw.corp:8443'];
    expect(hostAllowed(allow, 'api.anthropic.com', 443)).toBe(true);
    expect(hostAllowed(allow, 'API.Anthropic.com.', 443)).toBe(true);
    expect(hostAllowed(allow, 'api.anthropic.com', 22)).toBe(false);
    expect(hostAllowed(allow, 'api.anthropic.com.evil.io', 443)).toBe(false);
    expect(hostAllowed(allow, 'evilapi.anthropic.com', 443)).toBe(false);
    expect(hostAllowed(allow, 'a.b.example.com', 443)).toBe(true);
    expect(hostAllowed(allow, 'example.com', 443)).toBe(false);
    expect(hostAllowed(allow, 'gw.corp', 8443)).toBe(true);
    expect(hostAllowed(allow, 'gw.corp', 443)).toBe(false);
    expect(hostAllowed(allow, 'us-central1-aiplatform.googleapis.com', 443)).toBe(true);
    expect(hostAllowed(allow, 'storage.googleapis.com', 443)).toBe(false);
    expect(hostAllowed([...allow, 'localhost'], 'localhost', 443)).toBe(false);
    expect(hostAllowed(allow, '127.0.0.1', 443)).toBe(false);
  });
});

/** A server that answers every connection with its name, counting them. */
const named = async (name: string): Promise<{ server: Server; port: number; hits: number }> => {
  const s = { server: createServer(), port: 0, hits: 0 };
  s.server.on('connection', (c: Socket) => {
    s.hits++;
    c.on('data', () => c.end(`${name}\n`));
    c.on('error', () => undefined);
  });
  await new Promise<void>((ok) => s.server.listen(0, '127.0.0.1', ok));
  s.port = (s.server.address() as { port: number }).port;
  return s;
};

/** One request through a proxy handler served on a fresh server; resolves with everything the client got. */
const throughProxy = async (request: string, o: Parameters<typeof serveProxy>[1]): Promise<string> => {
  const proxy = createServer((c) => void serveProxy(c, o));
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  const port = (proxy.address() as { port: number }).port;
  try {
    return await new Promise<string>((ok) => {
      const c = connect({ host: '127.0.0.1', port });
      let got = '';
      c.on('data', (d) => {
        got += String(d);
        if (got.includes('\r\n\r\n') && /^HTTP\/1\.1 200 Connection/.test(got)) c.write('hello\n');
      });
      c.on('close', () => ok(got)).on('error', () => ok(got));
      c.write(request);
      setTimeout(() => c.end(), 2000);
    });
  } finally {
    proxy.close();
  }
};

describe('the allow-list proxy', () => {
  let origin: Awaited<ReturnType<typeof named>>;
  let upstream: HttpServer;
  let upstreamPort = 0;
  const upstreamSaw: string[] = [];
  beforeAll(async () => {
    origin = await named('origin');
    // A user's own proxy: notes each CONNECT and tunnels to the origin whatever the name.
    upstream = createHttpServer();
    upstream.on('connect', (req, sock: Socket, head) => {
      upstreamSaw.push(req.url ?? '');
      const out = connect({ host: '127.0.0.1', port: origin.port }, () => {
        sock.write('HTTP/1.1 200 OK\r\n\r\n');
        out.write(head);
        sock.pipe(out).pipe(sock);
      });
    });
    await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
    upstreamPort = (upstream.address() as { port: number }).port;
  });
  afterAll(() => {
    origin.server.close();
    upstream.close();
  });
  // Names resolve to the local origin, so what the allow-list lets through can be seen arriving.
  const toOrigin = (): Socket => connect({ host: '127.0.0.1', port: origin.port });

  it('tunnels CONNECT to an allowed host and refuses another with a 403 naming the key', async () => {
    const refused: string[] = [];
    const before = origin.hits;
    expect(await throughProxy('CONNECT registry.npmjs.org:443 HTTP/1.1\r\nhost: registry.npmjs.org:443\r\n\r\n', { allow: ['registry.npmjs.org'], connect: toOrigin })).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\norigin\n$/);
    const denied = await throughProxy('CONNECT evil.example:443 HTTP/1.1\r\n\r\n', { allow: ['registry.npmjs.org'], connect: toOrigin, refused: (t) => refused.push(t) });
    expect(denied).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(denied).toContain('[sandbox] allow_hosts');
    expect(refused).toEqual(['evil.example:443']);
    const loop = await throughProxy('CONNECT 127.0.0.1:22 HTTP/1.1\r\n\r\n', { allow: ['127.0.0.1:22'], connect: toOrigin });
    expect(loop).toMatch(/^HTTP\/1\.1 403/);
    expect(origin.hits - before).toBe(1);
  });

  it('forwards an absolute-form http request to an allowed host as an origin-form one', async () => {
    const seen: string[] = [];
    const httpOrigin = createHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers['proxy-authorization'] ?? '-'}`);
      res.end('ok');
    });
    await new Promise<void>((ok) => httpOrigin.listen(0, '127.0.0.1', ok));
    const port = (httpOrigin.address() as { port: number }).port;
    try {
      const got = await throughProxy('GET http://pypi.org/simple/x/?a=1 HTTP/1.1\r\nhost: pypi.org\r\nproxy-authorization: Basic eDp5\r\nconnection: close\r\n\r\n', { allow: ['pypi.org'], connect: () => connect({ host: '127.0.0.1', port }) });
      expect(got).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(seen).toEqual(['GET /simple/x/?a=1 pypi.org -']);
      expect(await throughProxy('GET http://evil.example/ HTTP/1.1\r\n\r\n', { allow: ['pypi.org'] })).toMatch(/^HTTP\/1\.1 403/);
      expect(await throughProxy('GET / HTTP/1.1\r\n\r\n', { allow: ['pypi.org'] })).toMatch(/^HTTP\/1\.1 400/);
    } finally {
      httpOrigin.close();
    }
  });

  it("goes through the user's own proxy for what it lets through", async () => {
    const got = await throughProxy('CONNECT api.anthropic.com:443 HTTP/1.1\r\n\r\n', { allow: PROVIDER_HOSTS, upstream: `http://127.0.0.1:${upstreamPort}` });
    expect(got).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\norigin\n$/);
    expect(upstreamSaw).toEqual(['api.anthropic.com:443']);
  });
});

const bwrap = detectBwrap();
describe.skipIf(!bwrap.ok || !bwrap.net)('a contained process on its own network', () => {
  let dir: string;
  let model: Awaited<ReturnType<typeof named>>;
  let other: Awaited<ReturnType<typeof named>>;
  let abstract: Server;
  let abstractHits = 0;
  const abstractName = `orch-net-test-${process.pid}`;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-net-test-'));
    model = await named('model');
    other = await named('other');
    abstract = createServer(() => abstractHits++);
    await new Promise<void>((ok) => abstract.listen(`\0${abstractName}`, ok));
  });
  afterAll(() => {
    model.server.close();
    other.server.close();
    abstract.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the port its launch names, not another loopback service, an abstract socket or a host off the list', async () => {
    writeFileSync(join(dir, 'probe.mjs'), `
import { connect } from 'node:net';
const reach = (where, say) => new Promise((ok) => {
  const s = connect(where);
  s.once('connect', () => { if (say) s.write(say); else { s.end(); ok('CONNECTED'); } });
  s.once('data', (d) => { ok(String(d).split('\\r\\n')[0].trim()); s.destroy(); });
  s.once('error', (e) => ok('failed ' + e.code));
});
const proxy = Number(new URL(process.env.HTTPS_PROXY).port);
console.log(JSON.stringify({
  model: await reach({ host: '127.0.0.1', port: ${model.port} }, 'hi\\n'),
  other: await reach({ host: '127.0.0.1', port: ${other.port} }),
  abstract: await reach('\\0${abstractName}'),
  offList: await reach({ host: '127.0.0.1', port: proxy }, 'CONNECT evil.example:443 HTTP/1.1\\r\\n\\r\\n'),
}));
`);
    const sb = createSandboxer('bwrap', process.env.PATH, undefined, { mode: 'proxy', allowHosts: [] });
    expect(sb.network).toBe('proxy');
    const launch = sb.contain({ worktree: dir, orchDirs: [] })!({ command: process.execPath, args: ['probe.mjs'], env: { PATH: process.env.PATH ?? '', HOME: dir, ANTHROPIC_BASE_URL: `http://127.0.0.1:${model.port}` } });
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => {
      const c = spawn(launch.command, launch.args, { env: launch.env, cwd: dir });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => (stdout += String(d)));
      c.stderr.on('data', (d) => (stderr += String(d)));
      c.on('close', (code) => ok({ code, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ model: 'model', other: 'failed ECONNREFUSED', abstract: expect.stringMatching(/^failed (ECONNREFUSED|ENOENT)/), offList: 'HTTP/1.1 403 Forbidden' });
    expect(out.stderr).toContain('orch sandbox: refused a connection to evil.example:443');
    expect(other.hits).toBe(0);
    expect(abstractHits).toBe(0);
  });

  it('returns the exit status of the contained command, and removes its socket directory', async () => {
    const sb = createSandboxer('bwrap', process.env.PATH, undefined, { mode: 'proxy', allowHosts: [] });
    const launch = sb.contain({ worktree: dir, orchDirs: [] })!({ command: 'sh', args: ['-c', 'exit 7'], env: { PATH: process.env.PATH ?? '', HOME: dir } });
    const hostSpec = JSON.parse(launch.args[2] ?? '{}') as { dir: string };
    const code = await new Promise<number | null>((ok) => spawn(launch.command, launch.args, { env: launch.env, cwd: dir, stdio: 'ignore' }).on('close', ok));
    expect(code).toBe(7);
    const { existsSync } = await import('node:fs');
    expect(existsSync(hostSpec.dir)).toBe(false);
  });
});
