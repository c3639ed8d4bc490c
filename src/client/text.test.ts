import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientError, createClient } from './client.js';

// getText hands a command the daemon's answer byte for byte; an error answer is still the daemon's error.
const server = createServer((req, res) => {
  if (req.url === '/ok') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[\n  {\n    "id": "a/E01"\n  }\n]');
  } else {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'unknown_module', message: 'unknown module "x"' } }));
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
afterAll(() => new Promise<void>((r) => server.close(() => r())));
const c = createClient({ pid: 1, host: '127.0.0.1', port: (server.address() as AddressInfo).port, token: 't', root: '/', version: '0', startedAt: '' });

describe('client getText', () => {
  it('returns the answer as sent', async () => {
    expect(await c.getText('/ok')).toBe('[\n  {\n    "id": "a/E01"\n  }\n]');
  });

  it('throws the daemon error with its code and status', async () => {
    const e = await c.getText('/missing').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClientError);
    expect(e).toMatchObject({ code: 'unknown_module', status: 404, message: 'unknown module "x"' });
  });
});
