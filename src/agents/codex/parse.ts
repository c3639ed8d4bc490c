import type { AgentEvent, Usage } from '../types.js';
import { isObject, readJsonLine, str, type Json } from '../jsonl.js';


const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `--json` event types that change nothing for the orchestrator (the raw line still goes to the run log). */
const IGNORED_TYPES = new Set(['turn.started', 'item.started', 'item.updated', 'item.plan.delta']);

/** Item types that are the agent's own bookkeeping, not output or tools. */
const IGNORED_ITEMS = new Set(['reasoning', 'todo_list', 'plan', 'collab_tool_call']);

/** `turn.completed.usage`; Codex reports no cache writes in the documented shape, but 0.169.0 emits `cache_write_input_tokens`. */
export const parseCodexUsage = (u: unknown): Usage | undefined => {
  if (!isObject(u)) return undefined;
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    cacheReadTokens: num(u.cached_input_tokens) ?? 0,
    cacheWriteTokens: num(u.cache_write_input_tokens) ?? 0,
  };
};

const stringify = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

const mcpResultText = (item: Json): string => {
  if (isObject(item.error)) return str(item.error.message) ?? JSON.stringify(item.error);
  const result = item.result;
  if (!isObject(result)) return stringify(result);
  if (Array.isArray(result.content)) {
    return result.content.map((b) => (isObject(b) && typeof b.text === 'string' ? b.text : isObject(b) ? `[${String(b.type)}]` : '')).join('\n');
  }
  return stringify(result.structured_content);
};

/** A finished tool item: the call and its result, paired by the item id. */
const toolItem = (item: Json, id: string): AgentEvent[] => {
  const status = str(item.status);
  switch (item.type) {
    case 'command_execution': {
      const exitCode = num(item.exit_code);
      return [
        { type: 'tool_call', id, name: 'command_execution', input: { command: str(item.command) ?? '' } },
        { type: 'tool_result', id, isError: status !== 'completed' || (exitCode !== undefined && exitCode !== 0), output: str(item.aggregated_output) ?? '' },
      ];
    }
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.filter(isObject) : [];
      return [
        { type: 'tool_call', id, name: 'file_change', input: { changes } },
        { type: 'tool_result', id, isError: status !== 'completed', output: changes.map((c) => `${str(c.kind) ?? '?'} ${str(c.path) ?? '?'}`).join('\n') },
      ];
    }
    case 'mcp_tool_call': {
      const name = `mcp__${str(item.server) ?? '?'}__${str(item.tool) ?? '?'}`;
      return [
        { type: 'tool_call', id, name, input: item.arguments },
        { type: 'tool_result', id, isError: status !== 'completed' || item.error !== undefined && item.error !== null, output: mcpResultText(item) },
      ];
    }
    case 'web_search':
      return [
        { type: 'tool_call', id, name: 'web_search', input: { query: str(item.query) ?? '', action: item.action } },
        { type: 'tool_result', id, isError: false, output: '' },
      ];
    default:
      return [];
  }
};

const itemCompleted = (e: Json, line: string): AgentEvent[] => {
  const item = e.item;
  if (!isObject(item) || typeof item.type !== 'string') return [{ type: 'unparsed', line, reason: 'item.completed without an item with a string "type"' }];
  const id = str(item.id) ?? '';
  switch (item.type) {
    case 'agent_message':
      return [{ type: 'text', text: str(item.text) ?? '' }];
    case 'error':
      // A warning surfaced as an item (e.g. unknown model metadata); the turn goes on.
      return [{ type: 'error', message: str(item.message) ?? 'unknown error item' }];
    case 'command_execution':
    case 'file_change':
    case 'mcp_tool_call':
    case 'web_search':
      return toolItem(item, id);
    default:
      return IGNORED_ITEMS.has(item.type) ? [] : [{ type: 'unparsed', line, reason: `unknown item type "${item.type}"` }];
  }
};

/**
 * One line of `codex exec --json` to typed events. Pure; never throws.
 * `turn.completed` yields `usage` then a `result` with empty text: Codex's final text is the last
 * `agent_message`, which the backend remembers.
 */
export const parseCodexLine = (line: string): AgentEvent[] => {
  const read = readJsonLine(line);
  if ('events' in read) return read.events;
  const e = read.event;
  switch (e.type) {
    case 'thread.started': {
      const sessionId = str(e.thread_id);
      return sessionId ? [{ type: 'session', sessionId }] : [{ type: 'unparsed', line, reason: 'thread.started without thread_id' }];
    }
    case 'item.completed':
      return itemCompleted(e, line);
    case 'turn.completed': {
      const usage = parseCodexUsage(e.usage);
      return usage ? [{ type: 'usage', usage }, { type: 'result', ok: true, text: '', usage }] : [{ type: 'result', ok: true, text: '' }];
    }
    case 'turn.failed': {
      const message = isObject(e.error) ? str(e.error.message) : undefined;
      const text = message ?? 'turn failed';
      return [{ type: 'result', ok: false, text, subtype: 'turn.failed', errors: [text] }];
    }
    case 'error':
      // Not terminal: retries ("Reconnecting... 1/5") and transport fallbacks arrive this way; only turn.failed ends a turn.
      return [{ type: 'error', message: str(e.message) ?? 'unknown error' }];
    default:
      return IGNORED_TYPES.has(e.type) ? [] : [{ type: 'unparsed', line, reason: `unknown event type "${e.type}"` }];
  }
};
