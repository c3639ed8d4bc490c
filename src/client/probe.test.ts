import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findClient } from './client.js';

// The health answer that finds the daemon brings its state along, so a command need not ask for it again; a daemon
// that answers without it (an older one) still counts, and a stranger on the port (another pid) does not.
const state = { pid: 4242, version: '1', passive: false, fingerprint: { env: { A: 'x' }, config: {} }, configWarnings: [] };
let withState = true;
const asked: string[] = [];
const server = createServer((req, res) => {
  asked.push(req.url ?? '');
  res.writeHead(req.headers.authorization === 'Bearer t' ? 200 : 401, { 'content-type': 'application/json' });
  const health = { ok: true, pid: 4242, root: '/r', version: '1', startedAt: 'now' };
  res.end(JSON.stringify(req.url === '/api/health?state=1' && withState ? { ...health, state } : health));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const dir = mkdtempSync(join(tmpdir(), 'orch-probe-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  return new Promise<void>((r) => server.close(() => r()));
});
const daemonFile = (pid: number): string => {
  const file = join(dir, `daemon-${pid}.json`);
  writeFileSync(file, JSON.stringify({ pid, host: '127.0.0.1', port: (server.address() as AddressInfo).port, token: 't', root: '/r', version: '1', startedAt: 'now' }));
  return file;
};

describe('findClient', () => {
  it('keeps the state the health answer carried, in one request', async () => {
    asked.length = 0;
    const c = await findClient(daemonFile(4242));
    expect(c?.state).toEqual(state);
    expect(asked).toEqual(['/api/health?state=1']);
  });

  it('a daemon that answers without its state is found, with no state', async () => {
    withState = false;
    const c = await findClient(daemonFile(4242));
    withState = true;
    expect(c?.info.pid).toBe(4242);
    expect(c?.state).toBeUndefined();
  });

  it('another pid on the port is not this project\'s daemon', async () => {
    expect(await findClient(daemonFile(99))).toBeUndefined();
    expect(await findClient(join(dir, 'missing.json'))).toBeUndefined();
  });
});
