import type { AgentEvent, Usage } from '../types.js';
import { isObject, readJsonLine, str, type Json } from '../jsonl.js';


const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `result.stats`; Gemini reports no cost and no cache writes. */
export const parseGeminiStats = (s: unknown): Usage | undefined => {
  if (!isObject(s)) return undefined;
  return {
    inputTokens: num(s.input_tokens) ?? 0,
    outputTokens: num(s.output_tokens) ?? 0,
    cacheReadTokens: num(s.cached) ?? 0,
    cacheWriteTokens: 0,
  };
};

const errorText = (e: unknown): string | undefined => (isObject(e) ? str(e.message) : str(e));

/**
 * One line of `gemini -p ... -o stream-json` to typed events. Pure; never throws.
 * Assistant text arrives as deltas (one `text` event per chunk); the user prompt echo is dropped.
 */
export const parseGeminiLine = (line: string): AgentEvent[] => {
  const read = readJsonLine(line);
  if ('events' in read) return read.events;
  const e = read.event;
  switch (e.type) {
    case 'init': {
      const sessionId = str(e.session_id);
      if (!sessionId) return [{ type: 'unparsed', line, reason: 'init without session_id' }];
      const model = str(e.model);
      return [{ type: 'session', sessionId, ...(model ? { model } : {}) }];
    }
    case 'message':
      if (e.role !== 'assistant') return [];
      return typeof e.content === 'string' ? [{ type: 'text', text: e.content }] : [{ type: 'unparsed', line, reason: 'assistant message without string content' }];
    case 'tool_use':
      return [{ type: 'tool_call', id: str(e.tool_id) ?? '', name: str(e.tool_name) ?? '', input: e.parameters }];
    case 'tool_result':
      // write_file reports success with no output field at all.
      return [{ type: 'tool_result', id: str(e.tool_id) ?? '', isError: e.status !== 'success', output: str(e.output) ?? errorText(e.error) ?? '' }];
    case 'error':
      // Non-fatal by design (e.g. "Loop detected"); a fatal error ends in a `result` with status "error".
      return [{ type: 'error', message: str(e.message) ?? 'unknown error' }];
    case 'result': {
      const usage = parseGeminiStats(e.stats);
      const withUsage = usage ? { usage } : {};
      if (e.status === 'success') return [...(usage ? [{ type: 'usage' as const, usage }] : []), { type: 'result', ok: true, text: '', ...withUsage }];
      const text = errorText(e.error) ?? `status ${String(e.status)}`;
      const subtype = isObject(e.error) ? str(e.error.type) : undefined;
      return [{ type: 'result', ok: false, text, errors: [text], ...(subtype ? { subtype } : {}), ...withUsage }];
    }
    default:
      return [{ type: 'unparsed', line, reason: `unknown event type "${e.type}"` }];
  }
};
