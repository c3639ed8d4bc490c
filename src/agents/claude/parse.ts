import type { AgentEvent, Usage } from '../types.js';
import { isObject, readJsonLine, str, type Json } from '../jsonl.js';


const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Stream-json `type`s that carry nothing the orchestrator needs (the raw line still goes to the run log). */
const IGNORED_TYPES = new Set(['stream_event', 'rate_limit_event', 'keep_alive', 'control_request', 'control_response', 'control_cancel_request']);

export const parseUsage = (u: unknown): Usage | undefined => {
  if (!isObject(u)) return undefined;
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    cacheReadTokens: num(u.cache_read_input_tokens) ?? 0,
    cacheWriteTokens: num(u.cache_creation_input_tokens) ?? 0,
  };
};

const toolResultText = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : JSON.stringify(content);
  return content
    .map((b) => (isObject(b) && typeof b.text === 'string' ? b.text : isObject(b) ? `[${String(b.type)}]` : ''))
    .join('\n');
};

const blocks = (msg: unknown): Json[] => (isObject(msg) && Array.isArray(msg.content) ? msg.content.filter(isObject) : []);

const system = (e: Json): AgentEvent[] => {
  switch (e.subtype) {
    case 'init': {
      const sessionId = str(e.session_id);
      if (!sessionId) return [{ type: 'unparsed', line: '', reason: 'system/init without session_id' }];
      const model = str(e.model);
      const version = str(e.claude_code_version);
      return [{ type: 'session', sessionId, ...(model ? { model } : {}), ...(version ? { version } : {}) }];
    }
    case 'api_retry': {
      const delayMs = num(e.retry_delay_ms);
      const status = num(e.error_status);
      const max = num(e.max_retries);
      return [{
        type: 'retry',
        attempt: num(e.attempt) ?? 0,
        ...(max === undefined ? {} : { max }),
        ...(delayMs === undefined ? {} : { delayMs }),
        ...(status === undefined ? {} : { status }),
        message: str(e.error) ?? 'API request failed; retrying',
      }];
    }
    default:
      // About 40 subtypes exist (status, hook_*, compact_boundary, notification, ...); none changes a run's outcome.
      return [];
  }
};

const assistant = (e: Json): AgentEvent[] => {
  const synthetic = isObject(e.message) && e.message.model === '<synthetic>';
  const events: AgentEvent[] = [];
  for (const b of blocks(e.message)) {
    if (b.type === 'text' && typeof b.text === 'string') {
      // Claude Code reports API failures as a "<synthetic>" assistant message; it is not the model speaking.
      events.push(synthetic || e.error !== undefined ? { type: 'error', message: b.text } : { type: 'text', text: b.text });
    } else if (b.type === 'tool_use') {
      events.push({ type: 'tool_call', id: str(b.id) ?? '', name: str(b.name) ?? '', input: b.input });
    }
  }
  // Every line of one API message repeats that message's usage: keyed by message id so it counts once (A6 live).
  const usage = !synthetic && isObject(e.message) ? parseUsage(e.message.usage) : undefined;
  const key = isObject(e.message) ? str(e.message.id) : undefined;
  if (usage && key) events.push({ type: 'usage', usage, key });
  return events;
};

const user = (e: Json): AgentEvent[] =>
  blocks(e.message)
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({ type: 'tool_result' as const, id: str(b.tool_use_id) ?? '', isError: b.is_error === true, output: toolResultText(b.content) }));

const result = (e: Json): AgentEvent[] => {
  const ok = e.is_error === false;
  const errors = Array.isArray(e.errors) ? e.errors.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : undefined;
  const usage = parseUsage(e.usage);
  const costUsd = num(e.total_cost_usd);
  const numTurns = num(e.num_turns);
  const subtype = str(e.subtype);
  return [{
    type: 'result',
    ok,
    text: str(e.result) ?? errors?.join('\n') ?? '',
    ...(usage ? { usage } : {}),
    ...(costUsd === undefined ? {} : { costUsd }),
    ...(numTurns === undefined ? {} : { numTurns }),
    ...(subtype ? { subtype } : {}),
    ...(errors ? { errors } : {}),
  }];
};

/** One line of `claude -p --output-format stream-json --verbose` to typed events. Pure; never throws. */
export const parseClaudeLine = (line: string): AgentEvent[] => {
  const read = readJsonLine(line);
  if ('events' in read) return read.events;
  const e = read.event;
  const withLine = (events: AgentEvent[]): AgentEvent[] => events.map((ev) => (ev.type === 'unparsed' ? { ...ev, line } : ev));
  switch (e.type) {
    case 'system':
      return withLine(system(e));
    case 'assistant':
      return assistant(e);
    case 'user':
      return user(e);
    case 'result':
      return result(e);
    default:
      return IGNORED_TYPES.has(e.type) ? [] : [{ type: 'unparsed', line, reason: `unknown event type "${e.type}"` }];
  }
};
