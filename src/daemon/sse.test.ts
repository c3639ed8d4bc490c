import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Event } from '../api/index.js';
import { createEventSender, SSE_LIVE_BUFFER } from './sse.js';

const event = (seq: number, text: string): Event =>
  seq > 0
    ? { seq, ts: new Date().toISOString(), type: 'run.state', taskId: 't', runId: 'r', data: { from: 'running', to: 'running', error: text } }
    : { seq, ts: new Date().toISOString(), type: 'run.output', taskId: 't', runId: 'r', data: { event: { type: 'text', text } } };

/** A real HTTP server with one SSE response, and a raw client socket that reads nothing until told to. */
async function slowClient() {
  const server = createServer();
  let res!: ServerResponse;
  const ready = new Promise<void>((resolve) => {
    server.once('request', (_q, r: ServerResponse) => {
      res = r;
      r.writeHead(200, { 'content-type': 'text/event-stream' });
      r.flushHeaders();
      resolve();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.pause();
  socket.write('GET /api/events HTTP/1.1\r\nhost: x\r\n\r\n');
  await ready;
  return { res, socket, close: () => { socket.destroy(); server.close(); } };
}

describe('createEventSender', () => {
  it('drops live output for a client that does not read, never persisted events, and says how many it dropped', async () => {
    const { res, socket, close } = await slowClient();
    try {
      const send = createEventSender(res, { output: true });
      const text = 'o'.repeat(10_000);
      let maxUnread = 0;
      // 50 MB of live output at a client that reads nothing.
      for (let i = 0; i < 5000; i++) {
        send(event(0, text));
        if (i % 1000 === 0) send(event(i + 1, 'state'));
        maxUnread = Math.max(maxUnread, res.writableLength);
      }
      send(event(9999, 'last state'));
      expect(maxUnread).toBeLessThan(SSE_LIVE_BUFFER + 20_000 * 6);
      // Now the client reads everything that was kept.
      let got = '';
      socket.setEncoding('utf8').on('data', (c: string) => (got += c));
      socket.resume();
      await new Promise((r) => setTimeout(r, 300));
      send(event(0, 'after'));
      await new Promise((r) => setTimeout(r, 300));
      for (const seq of [1, 1001, 2001, 3001, 4001, 9999]) expect(got).toContain(`id: ${seq}\n`);
      const dropped = /: (\d+) live events dropped/.exec(got);
      expect(Number(dropped?.[1])).toBeGreaterThan(4000);
      expect(got).toContain('"text":"after"');
    } finally {
      close();
    }
  });

  it('sends no live output with output: false', async () => {
    const { res, socket, close } = await slowClient();
    try {
      const send = createEventSender(res, { output: false });
      let got = '';
      socket.setEncoding('utf8').on('data', (c: string) => (got += c));
      socket.resume();
      send(event(0, 'line'));
      send(event(7, 'state'));
      await new Promise((r) => setTimeout(r, 200));
      expect(got).toContain('id: 7\n');
      expect(got).not.toContain('run.output');
    } finally {
      close();
    }
  });
});
