import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import type { Event } from '../api/index.js';

let server: Server | undefined;
afterEach(() => server?.close());

const ev = (seq: number): string => JSON.stringify({ seq, ts: '2026-12-03T00:00:00.000Z', type: 'batch.finished', taskId: null, runId: null, data: { batchId: `b${seq}` } });

describe('the event stream reader', () => {
  it('reads \\r\\n frames with id: lines, skips a frame that is not JSON, and reports dropped events', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`id: 1\r\ndata: ${ev(1)}\r\n\r\n`);
      res.write('data: {not json\n\n');
      res.write(': 3 live events dropped\n\n');
      // One frame split across writes.
      const f = `id: 2\ndata: ${ev(2)}\n\n`;
      res.write(f.slice(0, 10));
      setTimeout(() => res.end(f.slice(10)), 20);
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const c = createClient({ pid: 1, host: '127.0.0.1', port, token: 't', root: '/', version: '0', startedAt: '' });
    const got: Event[] = [];
    const invalid: unknown[] = [];
    let dropped = 0;
    await c.events((e) => got.push(e), { onInvalid: (r) => invalid.push(r), onDropped: (n) => (dropped += n) });
    expect(got.map((e) => e.seq)).toEqual([1, 2]);
    expect(invalid).toEqual(['{not json']);
    expect(dropped).toBe(3);
  });
});
