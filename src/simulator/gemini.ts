/**
 * The simulated model speaking the Gemini API (`generateContent`, `streamGenerateContent?alt=sse`,
 * `countTokens`), for driving the real Gemini CLI with `GOOGLE_GEMINI_BASE_URL` (AGENT-CLIS.md 7.1-7.2).
 * Scenarios are the shared ones (see `index.ts`): the request is read as an Anthropic-shaped conversation with
 * Gemini's tools mapped back to Claude's names, and the step's tools are sent as `functionCall` parts
 * (Write -> write_file, Bash -> run_shell_command, Read -> read_file, Edit -> replace; others unchanged).
 * Main requests are those offering tools; the rest (router, session summary) get a short text, or a JSON object
 * when `generationConfig` asks for one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, serveModel } from './http.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { estimateTokens } from './conversation.js';
import { newId } from './sse.js';
import {
  createStepPlayer, DEFAULT_SIDE_REPLY, headerSubset, isRecord, parseJsonBody, planTurn, readBody, toolMapper, type PlannedTurn,
} from './steps.js';
import type { MessagesRequestBody, ModelServer, ModelServerOptions, RecordedRequest } from './types.js';

const KEPT_HEADERS = ['x-goog-api-client', 'user-agent', 'content-type'];
const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(\w+)$/;
const SESSION_CONTEXT = /<session_context>[\s\S]*?<\/session_context>/g;
/** The first of the `**Workspace Directories:**` list items in the CLI's session context. */
const CWD_IN_CONTEXT = /Workspace Directories:\**\s*\n\s*-\s*(\/\S*)/;

export const geminiTools = toolMapper({
  Write: { name: 'write_file', keys: {} },
  Bash: { name: 'run_shell_command', keys: {} },
  Read: { name: 'read_file', keys: {} },
  Edit: { name: 'replace', keys: {} },
});

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE',
};

export const geminiErrorBody = (code: number, message?: string): string =>
  JSON.stringify({ error: { code, message: message ?? `simulated ${code} error`, status: STATUS[code] ?? 'UNKNOWN' } });

type Part = Record<string, unknown>;
const partsOf = (content: unknown): Part[] => (isRecord(content) && Array.isArray(content.parts) ? content.parts.filter(isRecord) : []);
const textOf = (parts: Part[]): string => parts.filter((p) => typeof p.text === 'string' && p.thought !== true).map((p) => p.text as string).join('\n');

/** The Gemini request as the Anthropic-shaped body the scenarios read. Call ids pair calls with responses by order when absent. */
export const geminiConversation = (body: Record<string, unknown>): MessagesRequestBody => {
  const contents = Array.isArray(body.contents) ? body.contents.filter(isRecord) : [];
  const context = contents.flatMap((c) => partsOf(c)).map((p) => (typeof p.text === 'string' ? p.text : '')).join('\n').match(SESSION_CONTEXT)?.[0] ?? '';
  const cwd = CWD_IN_CONTEXT.exec(context)?.[1];
  let calls = 0;
  let responses = 0;
  const messages = contents.map((c) => {
    const blocks = partsOf(c).flatMap((p): Array<Record<string, unknown>> => {
      if (typeof p.text === 'string') {
        if (p.thought === true) return [];
        const text = p.text.replace(SESSION_CONTEXT, '').trim();
        return text ? [{ type: 'text', text }] : [];
      }
      if (isRecord(p.functionCall)) {
        const f = p.functionCall;
        const call = geminiTools.fromWire(String(f.name ?? ''), isRecord(f.args) ? f.args : {});
        return [{ type: 'tool_use', id: typeof f.id === 'string' ? f.id : `call_${calls++}`, name: call.name, input: call.input }];
      }
      if (isRecord(p.functionResponse)) {
        const f = p.functionResponse;
        const r = isRecord(f.response) ? f.response : {};
        const isError = r.error !== undefined;
        const out = isError ? r.error : r.output ?? r;
        return [{ type: 'tool_result', tool_use_id: typeof f.id === 'string' ? f.id : `call_${responses++}`, is_error: isError, content: typeof out === 'string' ? out : JSON.stringify(out) }];
      }
      return [];
    });
    return { role: c.role === 'model' ? 'assistant' : 'user', content: blocks };
  }).filter((m) => m.content.length > 0);
  const tools = (Array.isArray(body.tools) ? body.tools.filter(isRecord) : [])
    .flatMap((t) => (Array.isArray(t.functionDeclarations) ? t.functionDeclarations.filter(isRecord) : []))
    .map((d) => ({ name: String(d.name ?? '') }));
  const system = textOf(partsOf(body.systemInstruction));
  return { messages, tools, system: cwd ? `${system}\nWorking directory: ${cwd}` : system };
};

/** A value matching a (simple) JSON schema, for side requests that ask for structured output (the CLI's model router). */
const sampleOf = (schema: unknown): unknown => {
  if (!isRecord(schema)) return 'simulated';
  const type = String(schema.type ?? '').toLowerCase();
  if (type === 'object' || isRecord(schema.properties)) {
    const props = isRecord(schema.properties) ? schema.properties : {};
    return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleOf(v)]));
  }
  if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  return 'simulated';
};

const finishReason = (stop: string | undefined): string =>
  stop === undefined || stop === 'tool_use' || stop === 'end_turn' ? 'STOP' : stop === 'max_tokens' ? 'MAX_TOKENS' : stop.toUpperCase();

interface Frame {
  parts: Part[];
  last: boolean;
}

const frameJson = (f: Frame, model: string, responseId: string, t: PlannedTurn): Record<string, unknown> => ({
  candidates: [{ content: { role: 'model', parts: f.parts }, index: 0, ...(f.last ? { finishReason: finishReason(t.step.stopReason) } : {}) }],
  ...(f.last
    ? {
        usageMetadata: {
          promptTokenCount: t.inputTokens, candidatesTokenCount: t.outputTokens, totalTokenCount: t.inputTokens + t.outputTokens,
          ...(t.cacheReadTokens ? { cachedContentTokenCount: t.cacheReadTokens } : {}),
        },
      }
    : {}),
  modelVersion: model,
  responseId,
});

/** One frame per text chunk and per function call; the last carries `finishReason` and `usageMetadata` (AGENT-CLIS.md 7.2). */
export const geminiFrames = (t: PlannedTurn, model: string): Array<Record<string, unknown>> => {
  const parts: Part[][] = [];
  const text = t.text ?? '';
  for (let i = 0; i < text.length; i += 64) parts.push([{ text: text.slice(i, i + 64) }]);
  for (const call of t.tools.map(geminiTools.toWire)) parts.push([{ functionCall: { name: call.name, args: call.input } }]);
  if (parts.length === 0) parts.push([{ text: '' }]);
  const responseId = newId('resp');
  return parts.map((p, i) => frameJson({ parts: p, last: i === parts.length - 1 }, model, responseId, t));
};


/** Starts the simulated Gemini API on 127.0.0.1; point `GOOGLE_GEMINI_BASE_URL` at `url`. */
export const startGeminiServer = async (opts: ModelServerOptions = {}): Promise<ModelServer> => {
  const requests: RecordedRequest[] = [];
  const play = createStepPlayer(opts);

  const stream = async (res: ServerResponse, frames: Array<Record<string, unknown>>, frameDelayMs?: number, streamError?: { message?: string }): Promise<void> => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const frame of streamError ? frames.slice(0, 1) : frames) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(frame)}\r\n\r\n`);
      if (frameDelayMs) await sleep(frameDelayMs);
    }
    if (streamError) res.write(`data: ${geminiErrorBody(500, streamError.message ?? 'simulated stream error')}\r\n\r\n`);
    res.end();
  };

  const answer = async (model: string, method: string, body: Record<string, unknown>, res: ServerResponse, rec: RecordedRequest): Promise<void> => {
    const chars = JSON.stringify([body.systemInstruction ?? '', body.contents ?? [], body.tools ?? []]).length;
    if (method === 'countTokens') {
      rec.kind = 'count_tokens';
      rec.status = 200;
      return sendJson(res, 200, JSON.stringify({ totalTokens: estimateTokens(chars) }));
    }
    const streaming = method === 'streamGenerateContent';
    if (!streaming && method !== 'generateContent') {
      rec.kind = 'unknown';
      rec.status = 404;
      return sendJson(res, 404, geminiErrorBody(404, `no method ${method}`));
    }
    const conversation = geminiConversation(body);
    if ((conversation.tools ?? []).length === 0) {
      rec.kind = 'side';
      const config = isRecord(body.generationConfig) ? body.generationConfig : {};
      const schema = config.responseJsonSchema ?? config.responseSchema;
      const text = schema === undefined ? opts.sideReply ?? DEFAULT_SIDE_REPLY : JSON.stringify(sampleOf(schema));
      const frames = geminiFrames(planTurn({ text }, chars, undefined), model);
      rec.status = 200;
      return streaming ? stream(res, frames) : sendJson(res, 200, JSON.stringify(frames[0]));
    }
    const played = play(conversation, chars);
    rec.scenario = played.scenario;
    rec.step = played.turn;
    if (played.kind === 'http_error') {
      const e = played.error;
      rec.status = e.status;
      return sendJson(res, e.status, e.body ?? geminiErrorBody(e.status, e.message), e.retryAfter === undefined ? {} : { 'retry-after': String(e.retryAfter) });
    }
    const { step } = played.planned;
    if (step.delayMs) await sleep(step.delayMs);
    rec.status = 200;
    const frames = geminiFrames(played.planned, model);
    if (streaming) return stream(res, frames, step.frameDelayMs, step.streamError);
    // Non-streaming: every part in one response, finish and usage from the last frame.
    const last = frames.at(-1) ?? {};
    const parts = frames.flatMap((f) => partsOf((f.candidates as Array<Record<string, unknown>>)[0]?.content));
    const candidates = last.candidates as Array<Record<string, unknown>>;
    return sendJson(res, 200, JSON.stringify({ ...last, candidates: [{ ...candidates[0], content: { role: 'model', parts } }] }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    const body = parseJsonBody(await readBody(req));
    const route = ROUTE.exec(path);
    const rec: RecordedRequest = {
      method: req.method ?? 'GET', path, query, headers: headerSubset(req, KEPT_HEADERS, ['x-goog-api-key', 'authorization']), body,
      kind: route ? 'main' : path === '/' ? 'probe' : 'unknown', status: 0, at: Date.now(),
    };
    requests.push(rec);
    if (requests.length > (opts.maxRecorded ?? 1000)) requests.shift();
    if (rec.kind === 'probe') {
      rec.status = 200;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : 'simulated Gemini API\n');
      return;
    }
    if (!route || req.method !== 'POST') {
      rec.status = 404;
      return sendJson(res, 404, geminiErrorBody(404, `no route for ${req.method ?? ''} ${path}`));
    }
    if (!isRecord(body)) {
      rec.status = 400;
      return sendJson(res, 400, geminiErrorBody(400, 'request body is not a JSON object'));
    }
    return answer(decodeURIComponent(route[1] ?? ''), route[2] ?? '', body, res, rec);
  };

  return serveModel(opts, requests, handle, (m) => geminiErrorBody(500, `simulated Gemini server bug: ${m}`));
};
