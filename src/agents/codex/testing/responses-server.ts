/**
 * A scripted OpenAI Responses API server for driving the real `codex` binary in tests (AGENT-CLIS.md 2.5, 6.2).
 * Codex sends `store:false`, so every request carries the whole history and the server can stay stateless:
 * the script looks at the request body and answers with a shell call, a message or an HTTP error.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply =
  | { kind: 'command'; cmd: string; text?: string }
  /** A function tool called with `args`; MCP tools found by `tool_search` are `namespace: 'mcp__orch', name: 'orch_ask'`. */
  | { kind: 'tool'; name: string; namespace?: string; args: Record<string, unknown>; text?: string }
  | { kind: 'text'; text: string }
  /**
   * Codex offers MCP tools only through its client-side `tool_search`: the model searches first, and the tools
   * found are callable from the next request on (as a namespace plus a function name).
   */
  | { kind: 'tool_search'; query: string; text?: string }
  | { kind: 'http_error'; status: number; message: string; /** Seconds, sent as `retry-after`. */ retryAfter?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface ResponsesServer {
  /** Base URL ending in `/v1`, for `model_providers.<name>.base_url`. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request's `input` items. */
export const inputItems = (body: unknown): Json[] => (isObject(body) && Array.isArray(body.input) ? body.input.filter(isObject) : []);

/** Text of the user messages in a request, in order. */
export const userTexts = (body: unknown): string[] =>
  inputItems(body)
    .filter((i) => i.type === 'message' && i.role === 'user' && Array.isArray(i.content))
    .flatMap((i) => (i.content as unknown[]).filter(isObject).map((c) => (typeof c.text === 'string' ? c.text : '')));

/** True when the last input item is a tool output: the model is being told how its call went. */
export const afterToolCall = (body: unknown): boolean => {
  const last = inputItems(body).at(-1);
  return last?.type === 'function_call_output' || last?.type === 'custom_tool_call_output';
};

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const sse = (res: ServerResponse, type: string, data: Json): void => {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
};

let counter = 0;

const streamReply = (res: ServerResponse, model: string, reply: Exclude<Reply, { kind: 'http_error' }>): void => {
  const n = ++counter;
  const responseId = `resp_${n}`;
  const output: Json[] = [];
  if (reply.text !== undefined) {
    output.push({ type: 'message', id: `msg_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] });
  }
  if (reply.kind === 'command') {
    output.push({ type: 'function_call', id: `fc_${n}`, call_id: `call_${n}`, name: 'exec_command', arguments: JSON.stringify({ cmd: reply.cmd }), status: 'completed' });
  }
  if (reply.kind === 'tool_search') {
    output.push({ type: 'tool_search_call', id: `ts_${n}`, call_id: `call_${n}`, execution: 'client', arguments: { query: reply.query }, status: 'completed' });
  }
  if (reply.kind === 'tool') {
    const ns = reply.namespace === undefined ? {} : { namespace: reply.namespace };
    output.push({ type: 'function_call', id: `fc_${n}`, call_id: `call_${n}`, name: reply.name, ...ns, arguments: JSON.stringify(reply.args), status: 'completed' });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const response = { id: responseId, object: 'response', created_at: Math.floor(Date.now() / 1000), model, status: 'in_progress', output: [] };
  sse(res, 'response.created', { response });
  output.forEach((item, i) => {
    sse(res, 'response.output_item.added', { output_index: i, item: { ...item, status: 'in_progress', ...(item.type === 'message' ? { content: [] } : {}) } });
    sse(res, 'response.output_item.done', { output_index: i, item });
  });
  sse(res, 'response.completed', {
    response: {
      ...response, status: 'completed', output,
      usage: { input_tokens: 120, input_tokens_details: { cached_tokens: 20 }, output_tokens: 15, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 135 },
    },
  });
  res.end();
};

/** Starts on 127.0.0.1 on a free port; `script` decides each `POST /v1/responses` answer. */
export const startResponsesServer = async (script: (body: unknown) => Reply): Promise<ResponsesServer> => {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown = raw;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        // kept as text in the record
      }
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      // Only the built-in openai provider tries a WebSocket upgrade first; 404 sends it to HTTP.
      if (req.method !== 'POST' || !path.startsWith('/v1/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const reply = script(body);
      if (reply.kind === 'http_error') {
        const retry: Record<string, string> = reply.retryAfter === undefined ? {} : { 'retry-after': String(reply.retryAfter) };
        res.writeHead(reply.status, { 'content-type': 'application/json', ...retry }).end(JSON.stringify({ error: { message: reply.message, type: 'server_error' } }));
        return;
      }
      streamReply(res, isObject(body) && typeof body.model === 'string' ? body.model : 'gpt-5.5', reply);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
