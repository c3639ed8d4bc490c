import type { AgentEvent, Usage } from '../types.js';
import { isObject, readJsonLine, str, type Json } from '../jsonl.js';


const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `step_finish.part.tokens`: per step, so a run's usage is the sum over its steps. */
export const parseOpenCodeTokens = (t: unknown): Usage | undefined => {
  if (!isObject(t)) return undefined;
  const cache = isObject(t.cache) ? t.cache : {};
  return {
    inputTokens: num(t.input) ?? 0,
    outputTokens: num(t.output) ?? 0,
    cacheReadTokens: num(cache.read) ?? 0,
    cacheWriteTokens: num(cache.write) ?? 0,
  };
};

const parseJson = (line: string): Json | undefined => {
  try {
    const v: unknown = JSON.parse(line);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
};

/** The cost of one `step_finish` line (the event union has no field for a per-step cost); undefined for other lines. */
export const openCodeStepCost = (line: string): number | undefined => {
  if (!line.includes('"step_finish"')) return undefined;
  const e = parseJson(line.trim());
  return e?.type === 'step_finish' && isObject(e.part) ? num(e.part.cost) : undefined;
};

const tool = (part: Json, line: string): AgentEvent[] => {
  const state = part.state;
  if (!isObject(state)) return [{ type: 'unparsed', line, reason: 'tool_use without part.state' }];
  const id = str(part.callID) ?? str(part.id) ?? '';
  const isError = state.status !== 'completed';
  return [
    { type: 'tool_call', id, name: str(part.tool) ?? '', input: state.input },
    { type: 'tool_result', id, isError, output: (isError ? str(state.error) : undefined) ?? str(state.output) ?? '' },
  ];
};

/**
 * One line of `opencode run --format json` to typed events. Pure; never throws.
 * 1.18.33 has no terminal event (the stream ends at exit); newer builds end with `done`, mapped to a result.
 */
export const parseOpenCodeLine = (line: string): AgentEvent[] => {
  const read = readJsonLine(line);
  if ('events' in read) return read.events;
  const e = read.event;
  const sessionId = str(e.sessionID);
  const part = isObject(e.part) ? e.part : undefined;
  switch (e.type) {
    case 'step_start':
      // Every event carries the session; announcing it once per step is enough.
      return sessionId ? [{ type: 'session', sessionId }] : [];
    case 'text':
      return part && typeof part.text === 'string' ? [{ type: 'text', text: part.text }] : [{ type: 'unparsed', line, reason: 'text without part.text' }];
    case 'reasoning':
      return [];
    case 'tool_use':
      return part ? tool(part, line) : [{ type: 'unparsed', line, reason: 'tool_use without part' }];
    case 'step_finish': {
      const usage = parseOpenCodeTokens(part?.tokens);
      return usage ? [{ type: 'usage', usage }] : [];
    }
    case 'error': {
      const err = isObject(e.error) ? e.error : {};
      const data = isObject(err.data) ? err.data : {};
      const message = str(data.message) ?? str(err.name) ?? 'unknown error';
      return [...(sessionId ? [{ type: 'session' as const, sessionId }] : []), { type: 'error', message: err.name ? `${String(err.name)}: ${message}` : message }];
    }
    case 'done': {
      const rejected = Array.isArray(e.rejected) ? e.rejected.map(String) : [];
      const errors = rejected.map((t) => `permission rejected: ${t}`);
      return [{ type: 'result', ok: rejected.length === 0, text: '', subtype: `done:${str(e.reason) ?? 'unknown'}`, ...(errors.length > 0 ? { errors } : {}) }];
    }
    default:
      return [{ type: 'unparsed', line, reason: `unknown event type "${e.type}"` }];
  }
};
