/**
 * The simulated model speaking OpenAI Chat Completions (`POST /v1/chat/completions`, streaming or not), for
 * driving OpenCode through an `@ai-sdk/openai-compatible` provider whose `baseURL` is `${url}/v1`
 * (AGENT-CLIS.md 7.5-7.6). Scenarios are the shared ones (see `index.ts`): the request is read as an
 * Anthropic-shaped conversation with the tools mapped back to Claude's names, and the step's tools are sent as
 * `tool_calls` (Write -> write {filePath, content}, Bash -> bash, Read -> read {filePath}, Edit -> edit
 * {filePath, oldString, newString}; others unchanged). Requests offering no tools (OpenCode's title request)
 * get a short text.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, serveModel } from './http.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from './sse.js';
import {
  createStepPlayer, DEFAULT_SIDE_REPLY, headerSubset, isRecord, parseJsonBody, planTurn, readBody, toolMapper, type PlannedTurn,
} from './steps.js';
import type { MessagesRequestBody, ModelServer, ModelServerOptions, RecordedRequest } from './types.js';

const KEPT_HEADERS = ['user-agent', 'content-type', 'x-session-id', 'x-session-affinity'];
const DEFAULT_TITLE = 'Simulated session';

export const openAIChatTools = toolMapper({
  Write: { name: 'write', keys: { file_path: 'filePath' } },
  Bash: { name: 'bash', keys: {} },
  Read: { name: 'read', keys: { file_path: 'filePath' } },
  Edit: { name: 'edit', keys: { file_path: 'filePath', old_string: 'oldString', new_string: 'newString', replace_all: 'replaceAll' } },
});

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 404: 'not_found_error', 429: 'rate_limit_exceeded' };

export const openAIErrorBody = (status: number, message?: string): string =>
  JSON.stringify({ error: { message: message ?? `simulated ${status} error`, type: ERROR_TYPES[status] ?? 'server_error', code: null } });

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.filter(isRecord).map((p) => (typeof p.text === 'string' ? p.text : '')).join('\n')
      : '';

const parseArgs = (raw: unknown): Record<string, unknown> => {
  if (isRecord(raw)) return raw;
  try {
    const v: unknown = JSON.parse(String(raw));
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
};

/** The Chat Completions request as the Anthropic-shaped body the scenarios read; consecutive tool messages become one tool-result turn. */
export const openAIChatConversation = (body: Record<string, unknown>): MessagesRequestBody => {
  const all = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const system = all.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => textOf(m.content)).join('\n');
  const messages: Array<{ role: string; content: Array<Record<string, unknown>> }> = [];
  for (const m of all) {
    if (m.role === 'tool') {
      const block = { type: 'tool_result', tool_use_id: String(m.tool_call_id ?? ''), is_error: false, content: textOf(m.content) };
      const last = messages.at(-1);
      if (last?.role === 'user' && last.content.every((b) => b.type === 'tool_result')) last.content.push(block);
      else messages.push({ role: 'user', content: [block] });
    } else if (m.role === 'assistant') {
      const text = textOf(m.content);
      const calls = (Array.isArray(m.tool_calls) ? m.tool_calls.filter(isRecord) : []).map((c) => {
        const f = isRecord(c.function) ? c.function : {};
        const call = openAIChatTools.fromWire(String(f.name ?? ''), parseArgs(f.arguments));
        return { type: 'tool_use', id: String(c.id ?? ''), name: call.name, input: call.input };
      });
      messages.push({ role: 'assistant', content: [...(text ? [{ type: 'text', text }] : []), ...calls] });
    } else if (m.role === 'user') {
      messages.push({ role: 'user', content: [{ type: 'text', text: textOf(m.content) }] });
    }
  }
  const tools = (Array.isArray(body.tools) ? body.tools.filter(isRecord) : []).map((t) => ({ name: String(isRecord(t.function) ? t.function.name : t.name) }));
  return { messages, tools, system };
};

const finishReason = (t: PlannedTurn): string =>
  t.step.stopReason === 'max_tokens' ? 'length' : t.tools.length > 0 && (t.step.stopReason ?? 'tool_use') === 'tool_use' ? 'tool_calls' : 'stop';

const usageJson = (t: PlannedTurn): Record<string, unknown> => ({
  prompt_tokens: t.inputTokens, completion_tokens: t.outputTokens, total_tokens: t.inputTokens + t.outputTokens,
  prompt_tokens_details: { cached_tokens: t.cacheReadTokens },
});

/** Content deltas, each tool call as a name chunk then an arguments chunk, the finish chunk, the usage chunk (AGENT-CLIS.md 7.6). */
export const openAIChatChunks = (t: PlannedTurn, model: string): Array<Record<string, unknown>> => {
  const id = newId('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ id, object: 'chat.completion.chunk', created, model, choices, ...extra });
  const delta = (d: Record<string, unknown>, finish: string | null = null) => chunk([{ index: 0, delta: d, finish_reason: finish }]);
  const out = [delta({ role: 'assistant', content: '' })];
  const text = t.text ?? '';
  for (let i = 0; i < text.length; i += 64) out.push(delta({ content: text.slice(i, i + 64) }));
  t.tools.map(openAIChatTools.toWire).forEach((call, index) => {
    out.push(delta({ tool_calls: [{ index, id: newId('call'), type: 'function', function: { name: call.name, arguments: '' } }] }));
    out.push(delta({ tool_calls: [{ index, function: { arguments: JSON.stringify(call.input) } }] }));
  });
  out.push(delta({}, finishReason(t)));
  out.push(chunk([], { usage: usageJson(t) }));
  return out;
};

const completionJson = (t: PlannedTurn, model: string): Record<string, unknown> => ({
  id: newId('chatcmpl'), object: 'chat.completion', created: Math.floor(Date.now() / 1000), model,
  choices: [{
    index: 0, finish_reason: finishReason(t),
    message: {
      role: 'assistant', content: t.text ?? null,
      ...(t.tools.length > 0
        ? { tool_calls: t.tools.map(openAIChatTools.toWire).map((c) => ({ id: newId('call'), type: 'function', function: { name: c.name, arguments: JSON.stringify(c.input) } })) }
        : {}),
    },
  }],
  usage: usageJson(t),
});


/** `retry-after-ms` too: OpenCode reads it first, and without it backs off for seconds per retry (AGENT-CLIS.md 7.8). */
const retryHeaders = (seconds: number | undefined): Record<string, string> =>
  seconds === undefined ? {} : { 'retry-after': String(Math.ceil(seconds)), 'retry-after-ms': String(Math.round(seconds * 1000)) };

/** Starts the simulated Chat Completions API on 127.0.0.1; the provider's base URL is `${url}/v1`. */
export const startOpenAIChatServer = async (opts: ModelServerOptions = {}): Promise<ModelServer> => {
  const requests: RecordedRequest[] = [];
  const play = createStepPlayer(opts);

  const stream = async (res: ServerResponse, chunks: Array<Record<string, unknown>>, frameDelayMs?: number, streamError?: { message?: string }): Promise<void> => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const c of streamError ? chunks.slice(0, 1) : chunks) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(c)}\n\n`);
      if (frameDelayMs) await sleep(frameDelayMs);
    }
    if (streamError) res.write(`data: ${openAIErrorBody(500, streamError.message ?? 'simulated stream error')}\n\n`);
    else res.write('data: [DONE]\n\n');
    res.end();
  };

  const answer = async (body: Record<string, unknown>, res: ServerResponse, rec: RecordedRequest): Promise<void> => {
    const model = typeof body.model === 'string' ? body.model : 'simulated-model';
    const streaming = body.stream === true;
    const chars = JSON.stringify([body.messages ?? [], body.tools ?? []]).length;
    const conversation = openAIChatConversation(body);
    if ((conversation.tools ?? []).length === 0) {
      rec.kind = 'side';
      rec.status = 200;
      const isTitle = /title generator/i.test(String(conversation.system));
      const t = planTurn({ text: opts.sideReply ?? (isTitle ? DEFAULT_TITLE : DEFAULT_SIDE_REPLY) }, chars, undefined);
      return streaming ? stream(res, openAIChatChunks(t, model)) : sendJson(res, 200, JSON.stringify(completionJson(t, model)));
    }
    const played = play(conversation, chars);
    rec.scenario = played.scenario;
    rec.step = played.turn;
    if (played.kind === 'http_error') {
      const e = played.error;
      rec.status = e.status;
      return sendJson(res, e.status, e.body ?? openAIErrorBody(e.status, e.message), retryHeaders(e.retryAfter));
    }
    const { step } = played.planned;
    if (step.delayMs) await sleep(step.delayMs);
    rec.status = 200;
    if (!streaming) return sendJson(res, 200, JSON.stringify(completionJson(played.planned, model)));
    return stream(res, openAIChatChunks(played.planned, model), step.frameDelayMs, step.streamError);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    const body = parseJsonBody(await readBody(req));
    const isChat = path === '/v1/chat/completions' || path === '/chat/completions';
    const rec: RecordedRequest = {
      method: req.method ?? 'GET', path, query, headers: headerSubset(req, KEPT_HEADERS, ['authorization', 'api-key']), body,
      kind: isChat ? 'main' : path === '/' ? 'probe' : 'unknown', status: 0, at: Date.now(),
    };
    requests.push(rec);
    if (requests.length > (opts.maxRecorded ?? 1000)) requests.shift();
    if (rec.kind === 'probe') {
      rec.status = 200;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : 'simulated OpenAI Chat Completions API\n');
      return;
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      rec.status = 200;
      return sendJson(res, 200, JSON.stringify({ object: 'list', data: [{ id: 'simulated-model', object: 'model', created: 0, owned_by: 'orch' }] }));
    }
    if (!isChat || req.method !== 'POST') {
      rec.status = 404;
      return sendJson(res, 404, openAIErrorBody(404, `no route for ${req.method ?? ''} ${path}`));
    }
    if (!isRecord(body)) {
      rec.status = 400;
      return sendJson(res, 400, openAIErrorBody(400, 'request body is not a JSON object'));
    }
    return answer(body, res, rec);
  };

  return serveModel(opts, requests, handle, (m) => openAIErrorBody(500, `simulated OpenAI server bug: ${m}`));
};
