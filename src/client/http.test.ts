import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { readText, send } from './http.js';

// A daemon may take a while to answer (a sync of 20,000 epics on a busy machine) and an event stream is quiet
// between pings: Node's global agent's 5 s keep-alive timeout must not end either.
const server = createServer((req, res) => {
  const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('wait') ?? 0);
  setTimeout(() => res.end(JSON.stringify({ waited: ms })), ms);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('client http', () => {
  it('waits past the global agent idle timeout for a slow answer', async () => {
    const res = await send(`${base}/?wait=5500`, {});
    expect(JSON.parse(await readText(res))).toEqual({ waited: 5500 });
  }, 15_000);

  it('gives up after a bound the caller set', async () => {
    await expect(send(`${base}/?wait=2000`, { timeoutMs: 100 })).rejects.toThrow('no answer within 100 ms');
  });
});
