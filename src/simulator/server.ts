import { chooseScenario } from './steps.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, serveModel } from './http.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyzeConversation, estimateTokens, isMainRequest } from './conversation.js';
import { epicScenario } from './epic.js';
import { readPromptDirectives } from './prompt.js';
import { encodeFrame, errorBody, messageFrames, messageJson, type Turn } from './sse.js';
import type {
  ConversationContext, MessagesRequestBody, ModelServer, ModelServerOptions, RecordedRequest, RequestKind, Scenario, Step, ToolCall,
} from './types.js';

const KEPT_HEADERS = ['anthropic-version', 'anthropic-beta', 'x-claude-code-session-id', 'user-agent', 'content-type'];
const EXHAUSTED: Step = { text: 'Done. (simulated model: the script has no more steps)' };
const DEFAULT_SIDE_REPLY = 'Simulated model reply.';
const MAX_BODY = 64 * 1024 * 1024;
const DEFAULT_MAX_RECORDED = 1000;

const readBody = async (req: IncomingMessage): Promise<string> => {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    parts.push(buf);
  }
  return Buffer.concat(parts).toString('utf8');
};

const headerSubset = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  if (req.headers['x-api-key']) out['x-api-key'] = '<present>';
  if (req.headers.authorization) out.authorization = '<present>';
  return out;
};

const substituteCwd = (value: unknown, cwd: string | undefined): unknown => {
  if (typeof value === 'string') return cwd ? value.replaceAll('{{cwd}}', cwd.replace(/\/$/, '')) : value.replaceAll('{{cwd}}/', '');
  if (Array.isArray(value)) return value.map((v) => substituteCwd(v, cwd));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteCwd(v, cwd)]));
  }
  return value;
};

const inputTokensOf = (body: MessagesRequestBody): number =>
  estimateTokens(JSON.stringify([body.system ?? '', body.messages ?? [], body.tools ?? []]).length);

const buildTurn = (body: MessagesRequestBody, step: Step, cwd: string | undefined): Turn => {
  const tools: ToolCall[] = (step.tools ?? []).map((t) => ({ name: t.name, input: substituteCwd(t.input, cwd) as Record<string, unknown> }));
  const outChars = (step.text ?? '').length + tools.reduce((n, t) => n + JSON.stringify(t.input).length + t.name.length, 0);
  return {
    model: typeof body.model === 'string' ? body.model : 'simulated-model',
    ...(step.text ? { text: step.text } : {}),
    tools,
    stopReason: step.stopReason ?? (tools.length > 0 ? 'tool_use' : 'end_turn'),
    usage: {
      inputTokens: step.usage?.inputTokens ?? inputTokensOf(body),
      outputTokens: step.usage?.outputTokens ?? estimateTokens(outChars),
      cacheReadTokens: step.usage?.cacheReadTokens ?? 0,
      cacheWriteTokens: step.usage?.cacheWriteTokens ?? 0,
    },
  };
};


/**
 * Starts the simulated model server (test and demo tooling, not a real LLM) on 127.0.0.1.
 * See the convention at the top of `index.ts`.
 */
export const startModelServer = async (opts: ModelServerOptions = {}): Promise<ModelServer> => {
  const requests: RecordedRequest[] = [];
  const failures = new Map<string, number>();

  const pickScenario = (ctx: ConversationContext) => chooseScenario(opts, ctx);

  const answerMessages = async (body: MessagesRequestBody, res: ServerResponse, rec: RecordedRequest): Promise<void> => {
    if (!isMainRequest(body)) {
      rec.kind = 'side';
      return answerTurn(body, res, buildTurn(body, { text: opts.sideReply ?? DEFAULT_SIDE_REPLY }, undefined), rec);
    }
    const ctx = analyzeConversation(body);
    const { name, scenario } = pickScenario(ctx);
    const source = scenario[ctx.turn];
    const step: Step = source === undefined ? EXHAUSTED : typeof source === 'function' ? source(ctx) : source;
    rec.scenario = name;
    rec.step = ctx.turn;
    if (step.delayMs) await sleep(step.delayMs);
    if (step.httpError) {
      const e = step.httpError;
      const key = `${name}\0${ctx.firstUserText}\0${ctx.promptIndex}\0${ctx.turn}`;
      const seen = failures.get(key) ?? 0;
      if (e.times === undefined || seen < e.times) {
        failures.set(key, seen + 1);
        rec.status = e.status;
        const headers: Record<string, string> = e.retryAfter === undefined ? {} : { 'retry-after': String(e.retryAfter) };
        return sendJson(res, e.status, e.body ?? errorBody(e.status, e.type, e.message), headers);
      }
    }
    return answerTurn(body, res, buildTurn(body, step, ctx.cwd), rec, step);
  };

  const answerTurn = async (body: MessagesRequestBody, res: ServerResponse, turn: Turn, rec: RecordedRequest, step?: Step): Promise<void> => {
    rec.status = 200;
    if (body.stream !== true) return sendJson(res, 200, JSON.stringify(messageJson(turn)));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const frames = messageFrames(turn);
    const toSend = step?.streamError ? frames.slice(0, 1) : frames;
    for (const frame of toSend) {
      if (res.destroyed) return;
      res.write(encodeFrame(frame));
      if (step?.frameDelayMs) await sleep(step.frameDelayMs);
    }
    if (step?.streamError) {
      const type = step.streamError.type ?? 'overloaded_error';
      res.write(encodeFrame({ event: 'error', data: { type: 'error', error: { type, message: step.streamError.message ?? 'simulated stream error' } } }));
    }
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    const raw = await readBody(req);
    let body: unknown = raw;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const kind: RequestKind = path === '/v1/messages' ? 'main' : path === '/v1/messages/count_tokens' ? 'count_tokens' : path === '/' ? 'probe' : 'unknown';
    const rec: RecordedRequest = { method: req.method ?? 'GET', path, query, headers: headerSubset(req), body, kind, status: 0, at: Date.now() };
    requests.push(rec);
    if (requests.length > (opts.maxRecorded ?? DEFAULT_MAX_RECORDED)) requests.shift();
    const isObject = typeof body === 'object' && body !== null;
    if (kind === 'probe') {
      rec.status = 200;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : 'simulated model server\n');
      return;
    }
    if (req.method !== 'POST' || kind === 'unknown') {
      rec.status = 404;
      return sendJson(res, 404, errorBody(404, undefined, `no route for ${req.method ?? ''} ${path}`));
    }
    if (!isObject) {
      rec.status = 400;
      return sendJson(res, 400, errorBody(400, undefined, 'request body is not a JSON object'));
    }
    if (kind === 'count_tokens') {
      rec.status = 200;
      return sendJson(res, 200, JSON.stringify({ input_tokens: inputTokensOf(body as MessagesRequestBody) }));
    }
    return answerMessages(body as MessagesRequestBody, res, rec);
  };

  return serveModel(opts, requests, handle, (m) => errorBody(500, undefined, `simulated model server bug: ${m}`));
};
