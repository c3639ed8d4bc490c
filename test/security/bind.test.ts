import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { get as httpsGet } from 'node:https';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../harness.js';

/** The API on the network needs TLS or an explicit acknowledgement; IPv6 loopback works for the CLI and agents. */
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const plan = { 'docs/plans/core-module/epic-01-a.md': '# A\n\nNothing to do.\n' };
const userConfig = (s: Sandbox, text: string): void => {
  mkdirSync(join(s.base, 'config', 'orch'), { recursive: true });
  writeFileSync(join(s.base, 'config', 'orch', 'config.toml'), text);
};

describe('where the daemon listens', () => {
  it('refuses a non-loopback address without TLS or acknowledgement, and says how to fix it', () => {
    sb = sandbox(plan);
    const r = sb.orch('serve', '--host', '0.0.0.0', '--port', '0');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to serve the API on 0\.0\.0\.0/);
    expect(r.stderr).toMatch(/daemon\.tls_cert/);
    expect(r.stderr).toMatch(/daemon\.insecure_remote/);
  });

  it('serves TLS on the network and keeps its own clients on loopback', async () => {
    sb = sandbox(plan);
    const key = join(sb.base, 'key.pem');
    const cert = join(sb.base, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    userConfig(sb, `[daemon]\nhost = "0.0.0.0"\ntls_cert = "${cert}"\ntls_key = "${key}"\n`);
    const st = sb.orchJson<{ daemon: { pid: number } }>('status');
    expect(st.daemon.pid).toBeGreaterThan(0);
    const log = execFileSync('sh', ['-c', `cat "$(find ${join(sb.base, 'state')} -name daemon.log)"`], { encoding: 'utf8' });
    const port = Number(/serving the API on https:\/\/0\.0\.0\.0:(\d+) \(TLS\)/.exec(log)?.[1]);
    expect(port).toBeGreaterThan(0);
    const status = await new Promise<number | undefined>((resolve) => {
      const req = httpsGet({ host: '127.0.0.1', port, path: '/api/health', rejectUnauthorized: false, headers: { host: `${hostname()}:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
    });
    expect(status).toBe(200);
  });

  it('works on IPv6 loopback (::1) for the CLI', () => {
    sb = sandbox(plan);
    userConfig(sb, '[daemon]\nhost = "::1"\n');
    const st = sb.orchJson<{ daemon: { pid: number } }>('status');
    expect(st.daemon.pid).toBeGreaterThan(0);
    const info = sb.orch('daemon', 'status');
    expect(info.status).toBe(0);
  });
});
