import type { AgentEvent, Usage } from '../types.js';
import { isObject, readJsonLine, str, type Json } from '../jsonl.js';


const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The `complete` event's token fields. */
export const parseGooseUsage = (e: Json): Usage => ({
  inputTokens: num(e.input_tokens) ?? 0,
  outputTokens: num(e.output_tokens) ?? 0,
  cacheReadTokens: num(e.cache_read_input_tokens) ?? 0,
  cacheWriteTokens: num(e.cache_write_input_tokens) ?? 0,
});

const contentText = (content: unknown): string =>
  Array.isArray(content)
    ? content.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : isObject(c) ? `[${String(c.type)}]` : '')).join('\n')
    : '';

const toolRequest = (c: Json): AgentEvent => {
  const call = isObject(c.toolCall) ? c.toolCall : {};
  const value = isObject(call.value) ? call.value : {};
  // A request the model got wrong (unknown tool, bad JSON) has status "error" and no value.
  return { type: 'tool_call', id: str(c.id) ?? '', name: str(value.name) ?? '', input: call.status === 'error' ? { error: call.error } : value.arguments };
};

const toolResponse = (c: Json): AgentEvent => {
  const result = isObject(c.toolResult) ? c.toolResult : {};
  if (result.status !== 'success') return { type: 'tool_result', id: str(c.id) ?? '', isError: true, output: str(result.error) ?? JSON.stringify(result.error ?? null) };
  // The success value is either a CallToolResult {content, isError} or, from older builds, a bare content list.
  const value = result.value;
  const content = isObject(value) ? value.content : value;
  return { type: 'tool_result', id: str(c.id) ?? '', isError: isObject(value) && value.isError === true, output: contentText(content) };
};

const message = (m: unknown, line: string): AgentEvent[] => {
  if (!isObject(m) || !Array.isArray(m.content)) return [{ type: 'unparsed', line, reason: 'message without a content list' }];
  const events: AgentEvent[] = [];
  for (const c of m.content.filter(isObject)) {
    if (c.type === 'text' && typeof c.text === 'string' && m.role === 'assistant') events.push({ type: 'text', text: c.text });
    else if (c.type === 'toolRequest') events.push(toolRequest(c));
    else if (c.type === 'toolResponse') events.push(toolResponse(c));
    // thinking, image, notifications and confirmation requests change nothing for the orchestrator.
  }
  return events;
};

/**
 * One line of `goose run --output-format stream-json` to typed events. Pure; never throws.
 * The stream never names the session: the backend chooses it (`-n`).
 */
export const parseGooseLine = (line: string): AgentEvent[] => {
  const read = readJsonLine(line);
  if ('events' in read) return read.events;
  const e = read.event;
  switch (e.type) {
    case 'message':
      return message(e.message, line);
    case 'notification':
      return [];
    case 'complete': {
      const usage = parseGooseUsage(e);
      const costUsd = num(e.cost_usd);
      return [{ type: 'usage', usage }, { type: 'result', ok: true, text: '', usage, ...(costUsd === undefined ? {} : { costUsd }) }];
    }
    case 'error': {
      const text = str(e.error) ?? JSON.stringify(e.error ?? null);
      return [{ type: 'result', ok: false, text, errors: [text], subtype: 'error' }];
    }
    default:
      return [{ type: 'unparsed', line, reason: `unknown event type "${e.type}"` }];
  }
};
