import { randomBytes } from 'node:crypto';
import type { ToolCall } from './types.js';

export interface Turn {
  model: string;
  text?: string;
  tools: ToolCall[];
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
}

export const newId = (prefix: string): string => `${prefix}_sim_${randomBytes(9).toString('hex')}`;

export interface Frame {
  event: string;
  data: Record<string, unknown>;
}

const chunks = (s: string, size: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length > 0 ? out : [''];
};

const apiUsage = (u: Turn['usage'], outputTokens: number): Record<string, number> => ({
  input_tokens: u.inputTokens,
  output_tokens: outputTokens,
  cache_creation_input_tokens: u.cacheWriteTokens,
  cache_read_input_tokens: u.cacheReadTokens,
});

const withIds = (turn: Turn): Array<{ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }> => [
  ...(turn.text ? [{ type: 'text' as const, text: turn.text }] : []),
  ...turn.tools.map((t) => ({ type: 'tool_use' as const, id: newId('toolu'), name: t.name, input: t.input })),
];

/** The non-streaming answer: a complete Message object. */
export const messageJson = (turn: Turn): Record<string, unknown> => ({
  id: newId('msg'),
  type: 'message',
  role: 'assistant',
  model: turn.model,
  content: withIds(turn),
  stop_reason: turn.stopReason,
  stop_sequence: null,
  usage: apiUsage(turn.usage, turn.usage.outputTokens),
});

/** message_start; per block content_block_start/delta.../stop; message_delta; message_stop (AGENT-CLIS.md 6.1). */
export const messageFrames = (turn: Turn): Frame[] => {
  const frames: Frame[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: newId('msg'), type: 'message', role: 'assistant', model: turn.model, content: [],
          stop_reason: null, stop_sequence: null, usage: apiUsage(turn.usage, 1),
        },
      },
    },
  ];
  withIds(turn).forEach((block, index) => {
    if (block.type === 'text') {
      frames.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
      for (const text of chunks(block.text, 64)) {
        frames.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } } });
      }
    } else {
      frames.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } },
      });
      for (const partial_json of chunks(JSON.stringify(block.input), 256)) {
        frames.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } } });
      }
    }
    frames.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  frames.push({
    event: 'message_delta',
    data: {
      type: 'message_delta',
      delta: { stop_reason: turn.stopReason, stop_sequence: null },
      usage: { output_tokens: turn.usage.outputTokens },
    },
  });
  frames.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return frames;
};

export const encodeFrame = (f: Frame): string => `event: ${f.event}\ndata: ${JSON.stringify(f.data)}\n\n`;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
};

export const errorType = (status: number): string => ERROR_TYPES[status] ?? 'api_error';

export const errorBody = (status: number, type?: string, message?: string): string =>
  JSON.stringify({ type: 'error', error: { type: type ?? errorType(status), message: message ?? `simulated ${status} error` } });
