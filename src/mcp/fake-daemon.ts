/** A tiny stand-in for the daemon's signals endpoints, for the MCP tests. Not part of the public face. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignalRequest, type CommandAnswer, type JobLogs, type RunWorkers, type Signal } from '../api/index.js';

export interface FakeDaemonOptions {
  token: string;
  /** Answer each question this long after it arrives; undefined = never. */
  answerAfterMs?: number;
  answer?: (question: Signal) => string;
  /** Answer every request with this status and an ErrorBody. */
  failWith?: { status: number; code: string; message: string };
  /** The cluster routes of a run: where its commands run, the pool, its job logs (absent = 404 like an old daemon). */
  cluster?: {
    command: (kind: string, body: string) => CommandAnswer;
    workers?: RunWorkers;
    logs?: (query: URLSearchParams) => JobLogs | undefined;
  };
}

export interface FakeDaemon {
  url: string;
  /** Every signal received, in order. */
  signals: Signal[];
  /** Method and path of every request, and whether it carried the right token. */
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

const readBody = async (req: IncomingMessage): Promise<string> => {
  let s = '';
  for await (const chunk of req) s += String(chunk);
  return s;
};

export const startFakeDaemon = async (opts: FakeDaemonOptions): Promise<FakeDaemon> => {
  const signals: Signal[] = [];
  const requests: FakeDaemon['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const authorized = req.headers.authorization === `Bearer ${opts.token}`;
    requests.push({ method: req.method ?? '', path, authorized });
    if (opts.failWith) {
      return send(res, opts.failWith.status, { error: { code: opts.failWith.code, message: opts.failWith.message } });
    }
    if (!authorized) return send(res, 401, { error: { code: 'unauthorized', message: 'bad token' } });
    const c = /^\/api\/runs\/[^/]+\/(commands\/([^/]+)|workers|jobs\/logs)$/.exec(path);
    if (c && opts.cluster) {
      if (c[2] !== undefined && req.method === 'POST') return send(res, 200, opts.cluster.command(c[2], await readBody(req)));
      if (c[1] === 'workers' && opts.cluster.workers) return send(res, 200, opts.cluster.workers);
      const logs = c[1] === 'jobs/logs' ? opts.cluster.logs?.(new URL(req.url ?? '', 'http://x').searchParams) : undefined;
      if (logs) return send(res, 200, logs);
      return send(res, 404, { error: { code: 'unknown_job', message: 'no such job of this run' } });
    }
    const m = /^\/api\/runs\/([^/]+)\/signals(?:\/([^/]+))?$/.exec(path);
    if (!m) return send(res, 404, { error: { code: 'not_found', message: `no route ${path}` } });
    const runId = decodeURIComponent(m[1] ?? '');
    if (req.method === 'POST' && m[2] === undefined) {
      const parsed = SignalRequest.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return send(res, 400, { error: { code: 'invalid_body', message: parsed.error.message } });
      const signal: Signal = {
        id: `sig-${signals.length + 1}`, runId, taskId: 'task-1', kind: parsed.data.kind, text: parsed.data.text,
        audience: parsed.data.audience ?? null, answer: null, answeredBy: null,
        createdAt: new Date().toISOString(), answeredAt: null,
      };
      signals.push(signal);
      if (signal.kind === 'question' && opts.answerAfterMs !== undefined) {
        const t = setTimeout(() => {
          timers.delete(t);
          signal.answer = opts.answer?.(signal) ?? `answer to: ${signal.text}`;
          signal.answeredBy = 'human';
          signal.answeredAt = new Date().toISOString();
        }, opts.answerAfterMs);
        timers.add(t);
      }
      return send(res, 201, signal);
    }
    if (req.method === 'GET' && m[2] !== undefined) {
      const signal = signals.find((s) => s.id === decodeURIComponent(m[2] ?? ''));
      return signal ? send(res, 200, signal) : send(res, 404, { error: { code: 'not_found', message: 'no such signal' } });
    }
    return send(res, 405, { error: { code: 'method_not_allowed', message: `${req.method} ${path}` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, { error: { code: 'internal', message: String(e) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    signals,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
