import { request as httpRequest, type IncomingMessage } from 'node:http';

// PERF: node:http instead of fetch. The first fetch() loads undici, 100-250 ms on this class of machine, more
// than a warm `orch next` may take in total (issue 12).

export interface HttpResponse {
  status: number;
  body: IncomingMessage;
}

/** One HTTP request to the daemon; resolves when the response head arrives (the body is a stream). */
export function send(url: string, o: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal; timeoutMs?: number }): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: o.method ?? 'GET', headers: o.headers, signal: o.signal, ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}) }, (res) =>
      resolve({ status: res.statusCode ?? 0, body: res }),
    );
    req.once('error', reject);
    // Only a caller's own bound: Node's global agent sets a 5 s idle timeout on its keep-alive sockets, which also
    // fires 'timeout' here, and a sync, a start or an event stream may well be quiet for longer.
    const { timeoutMs } = o;
    if (timeoutMs) req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.end(o.body);
  });
}

export async function readText(res: HttpResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The body's lines as they arrive (a trailing line without a newline included). */
export async function* lines(res: HttpResponse): AsyncGenerator<string> {
  let buf = '';
  res.body.setEncoding('utf8');
  for await (const chunk of res.body) {
    buf += chunk as string;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 1);
    }
  }
  if (buf) yield buf;
}
