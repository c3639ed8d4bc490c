/** The HTTP plumbing the three simulated wire formats share: JSON replies and listening on 127.0.0.1. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelServer, ModelServerOptions, RecordedRequest } from './types.js';

export const sendJson = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

/**
 * Listens with `handle` on `opts.host` (127.0.0.1) and `opts.port` (any). A handler that throws answers 500 with
 * `bugBody(message)` in the format's own error shape, or drops the connection when the reply has begun.
 */
export const serveModel = async (
  opts: ModelServerOptions,
  requests: RecordedRequest[],
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  bugBody: (message: string) => string,
): Promise<ModelServer> => {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, bugBody(String(err)));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
