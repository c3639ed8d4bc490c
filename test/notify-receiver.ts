import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves when `n` requests have arrived (or rejects after `timeoutMs`). */
  waitFor: (n: number, timeoutMs?: number) => Promise<Received[]>;
  close: () => Promise<void>;
}

export type Reply = { status: number; body?: string; headers?: Record<string, string> };

/**
 * A local HTTP server standing in for Slack, Telegram or a webhook collector: it records each request and answers
 * with `reply` (by default 200 with what Slack or Telegram answer, per the path).
 */
export async function startReceiver(reply?: (r: Received, i: number) => Reply): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const out = reply?.(r, received.length - 1) ?? defaultReply(r);
      res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
      res.end(out.body ?? '');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    waitFor: (n, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${n} request(s); got ${received.length}`)), timeoutMs);
        const check = (): void => {
          if (received.length >= n) {
            clearTimeout(deadline);
            resolve(received.slice());
          } else waiters.push(check);
        };
        check();
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Telegram answers `{"ok":true,"result":{...}}`, Slack's incoming webhook `ok`, a webhook collector 204-ish. */
function defaultReply(r: Received): Reply {
  if (/\/bot[^/]+\/sendMessage$/.test(r.path)) {
    const body = JSON.parse(r.body) as { chat_id: string; text: string };
    return { status: 200, body: JSON.stringify({ ok: true, result: { message_id: 1, chat: { id: Number(body.chat_id) }, date: 0, text: body.text } }) };
  }
  return { status: 200, body: 'ok' };
}
