/**
 * The cluster over a Redis that asks for a password and speaks only TLS (rediss://), as docs/cluster.md sets it up:
 * a real redis-server with a certificate from a test CA that the daemon and the worker trust through
 * NODE_EXTRA_CA_CERTS. A wrong password, an untrusted certificate and a plain URL against the TLS port each say
 * what to fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { makeTlsFiles, startRedis } from '../../src/cluster/testing/redis.js';
import { startWorkerProc } from '../../src/cluster/testing/workers.js';

const PASSWORD = 'tls-test-pw-93b1f0';

describe('cluster over rediss:// with a password', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let ca: string;
  const cleanups: Array<() => unknown> = [];
  beforeAll(async () => {
    const scratch = sandbox({});
    cleanups.push(() => scratch.cleanup());
    const tls = makeTlsFiles(join(scratch.base, 'tls'));
    ca = tls.ca;
    redis = await startRedis({ tls, password: PASSWORD });
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await redis.stop();
  });

  const project = (url: string, files: Record<string, string>, trustCa = true): Sandbox => {
    const sb = sandbox(files, { env: { ORCH_REDIS_URL: url, ...(trustCa ? { NODE_EXTRA_CA_CERTS: ca } : {}) } });
    cleanups.push(() => sb.cleanup());
    return sb;
  };

  it('runs a turn on a worker over TLS with the password, and never shows the password', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/:/);
    const sb = project(redis.url, { 'docs/plans/a-module/epic-01-one.md': epic('One', 'Over TLS.', { 'src/a1.txt': 'a1' }) });
    const w = startWorkerProc({ base: sb.base, name: 'tls1', redis: redis.url, repos: [sb.repo], env: sb.env });
    cleanups.push(() => w.stop('SIGKILL'));
    await w.ready;
    await until(() => sb.orchJson<{ workers: Array<{ name: string }> }>('workers').workers.some((x) => x.name === 'tls1'), 'the worker registered', 30_000);
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const cwd = (JSON.parse(readFileSync(sb.agentLog, 'utf8').trim().split('\n')[0] ?? '{}') as { cwd?: string }).cwd;
    expect(cwd?.startsWith(w.dir)).toBe(true);
    expect(sb.git('show', 'main:src/a1.txt').trim()).toBe('a1');
    const listed = sb.orch('workers');
    expect(listed.stdout).toContain(`rediss://:***@127.0.0.1:${redis.port}`);
    for (const text of [listed.stdout, sb.orch('status', '--json').stdout, w.log(), sb.orch('logs', 'a/E01').stdout]) expect(text).not.toContain(PASSWORD);
  }, 120_000);

  it('says what to fix: a wrong password, an untrusted certificate, a plain URL against the TLS port', async () => {
    const wrong = `rediss://:not-it@127.0.0.1:${redis.port}`;
    const cases: Array<{ url: string; trustCa: boolean; says: RegExp }> = [
      { url: wrong, trustCa: true, says: /Redis refused the password \(WRONGPASS[^)]*\): check the password/ },
      { url: redis.url, trustCa: false, says: /TLS certificate of Redis is not trusted .*NODE_EXTRA_CA_CERTS/ },
    ];
    for (const c of cases) {
      const sb = project(c.url, {}, c.trustCa);
      const status = await until(() => {
        const s = sb.orchJson<{ cluster?: { available: boolean; error?: string } }>('status');
        return s.cluster?.error && c.says.test(s.cluster.error) ? s : undefined;
      }, `orch status explains ${String(c.says)}`, 30_000);
      expect(status.cluster?.available).toBe(false);
      expect(JSON.stringify(status)).not.toContain(PASSWORD);
      // `orch worker` refuses to start with it instead of looking ready and taking nothing.
      const w = startWorkerProc({ base: sb.base, name: 'bad', redis: c.url, repos: [sb.repo], env: sb.env });
      await expect(w.ready).rejects.toThrow(c.says);
    }
    // A plain URL against the TLS port: the connection is reset; the status says the cluster is unavailable.
    const sb = project(`redis://:${PASSWORD}@127.0.0.1:${redis.port}`, {});
    const s = await until(() => {
      const st = sb.orchJson<{ cluster?: { available: boolean; error?: string } }>('status');
      return st.cluster?.error ? st : undefined;
    }, 'status with the plain URL', 30_000);
    expect(s.cluster?.available).toBe(false);
    expect(s.cluster?.error).toMatch(/unreachable/);
    expect(s.cluster?.error).not.toContain(PASSWORD);
  }, 180_000);
});
