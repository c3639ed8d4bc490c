import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

/**
 * A real redis-server (Debian's package) on a free loopback port, with an append-only file so a restart keeps jobs.
 * `tls`: the port speaks only TLS with this certificate (the URL is rediss://); `password`: `requirepass`.
 */
export async function startRedis(o: { port?: number; dir?: string; password?: string; tls?: { cert: string; key: string; ca: string } } = {}): Promise<{ url: string; port: number; dir: string; stop: () => Promise<void>; child: ChildProcess }> {
  const port = o.port ?? (await freePort());
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'orch-redis-'));
  const listen = o.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', o.tls.cert, '--tls-key-file', o.tls.key, '--tls-ca-cert-file', o.tls.ca, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const auth = o.password ? ['--requirepass', o.password] : [];
  const child = spawn('redis-server', [...listen, ...auth, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (c) => reject(new Error(`redis-server exited with ${c}: ${out.slice(-500)}`)));
  });
  return {
    url: `${o.tls ? 'rediss' : 'redis'}://${o.password ? `:${encodeURIComponent(o.password)}@` : ''}127.0.0.1:${port}`,
    port,
    dir,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** A CA and a certificate for 127.0.0.1 signed by it, made with openssl in `dir`: what a TLS Redis of a test serves. */
export function makeTlsFiles(dir: string): { cert: string; key: string; ca: string } {
  mkdirSync(dir, { recursive: true });
  const f = (n: string): string => join(dir, n);
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=orch test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('redis.key'), '-out', f('redis.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', f('redis.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('redis.crt'), '-days', '2', '-extfile', f('ext'));
  return { cert: f('redis.crt'), key: f('redis.key'), ca: f('ca.crt') };
}
