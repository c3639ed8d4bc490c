import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../types.js';
import { parseCodexLine } from './parse.js';

/** Transcripts in the shapes codex-cli 0.169.0 printed (AGENT-CLIS.md 2.3); `real-*` ones are captured by codex.slow.test.ts. */
const fixture = (name: string): AgentEvent[] =>
  readFileSync(fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url)), 'utf8').split('\n').flatMap(parseCodexLine);

const ofType = <T extends AgentEvent['type']>(events: AgentEvent[], type: T): Array<Extract<AgentEvent, { type: T }>> =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

describe('parseCodexLine on transcripts', () => {
  it('success with tools: session, paired tool calls and results, text, usage and ok result', () => {
    const events = fixture('success-tools');
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(events[0]).toEqual({ type: 'session', sessionId: '01a20068-c3a3-7bb3-aa39-d12ff91c9b68' });
    expect(ofType(events, 'tool_call').map((e) => e.name)).toEqual(['command_execution', 'file_change', 'command_execution', 'mcp__docs__search']);
    expect(ofType(events, 'tool_call')[0]).toEqual({ type: 'tool_call', id: 'item_1', name: 'command_execution', input: { command: "/bin/bash -lc 'echo hello-ro'" } });
    expect(ofType(events, 'tool_result')).toEqual([
      { type: 'tool_result', id: 'item_1', isError: false, output: 'hello-ro\n' },
      { type: 'tool_result', id: 'item_2', isError: false, output: 'add /home/dev/cw/patched.txt' },
      { type: 'tool_result', id: 'item_3', isError: true, output: '' },
      { type: 'tool_result', id: 'item_4', isError: false, output: 'found 2' },
    ]);
    expect(ofType(events, 'text')).toEqual([{ type: 'text', text: 'Done. Tool ran.' }]);
    const usage = { inputTokens: 240, outputTokens: 30, cacheReadTokens: 40, cacheWriteTokens: 0 };
    expect(events.slice(-2)).toEqual([{ type: 'usage', usage }, { type: 'result', ok: true, text: '', usage }]);
  });

  it('provider failure: error events are non-fatal, turn.failed is a failed result', () => {
    const events = fixture('api-error-500');
    expect(ofType(events, 'error')).toHaveLength(2);
    expect(ofType(events, 'error')[0]?.message).toMatch(/^Reconnecting\.\.\. 1\/5/);
    expect(ofType(events, 'result')).toEqual([{
      type: 'result', ok: false, subtype: 'turn.failed',
      text: 'We’re currently experiencing high demand, which may cause temporary errors.',
      errors: ['We’re currently experiencing high demand, which may cause temporary errors.'],
    }]);
  });

  it('an error item is a warning inside a successful turn; missing usage fields are 0', () => {
    const events = fixture('warning-item');
    expect(ofType(events, 'error')[0]?.message).toContain('Model metadata for `fake-model` not found');
    expect(events.at(-1)).toEqual({ type: 'result', ok: true, text: '', usage: { inputTokens: 120, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 } });
  });
});

describe('parseCodexLine on transcripts captured from codex-cli 0.169.0', () => {
  it('a shell call, then text and usage summed over both model requests', () => {
    const events = fixture('real-success-tools');
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(ofType(events, 'tool_call')[0]).toMatchObject({ name: 'command_execution', input: { command: "/bin/bash -lc 'echo hi > made.txt'" } });
    expect(ofType(events, 'tool_result')[0]).toMatchObject({ isError: false });
    expect(ofType(events, 'text').map((e) => e.text)).toEqual(['Running a command.', 'Done. Tool ran.']);
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: true, usage: { inputTokens: 240, cacheReadTokens: 40, outputTokens: 30 } });
  });

  it('resume keeps the thread id; its usage counts the whole thread, earlier turns included', () => {
    const first = ofType(fixture('real-success-tools'), 'session')[0]?.sessionId;
    const resumed = fixture('real-resume');
    expect(ofType(resumed, 'session')[0]?.sessionId).toBe(first);
    expect(resumed.at(-1)).toMatchObject({ type: 'result', ok: true, usage: { inputTokens: 480 } });
  });

  it('HTTP 500 without retries: one error event, then turn.failed', () => {
    const events = fixture('real-api-error-500');
    expect(events.map((e) => e.type)).toEqual(['session', 'error', 'result']);
    expect(events.at(-1)).toMatchObject({ ok: false, subtype: 'turn.failed' });
  });
});

describe('parseCodexLine on garbage', () => {
  it.each([
    ['{not json', /not JSON/],
    ['[1,2]', /not an object/],
    ['null', /not an object/],
    ['{"no":"type"}', /not an object/],
    ['{"type":"brand.new"}', /unknown event type "brand.new"/],
    ['{"type":"thread.started"}', /without thread_id/],
    ['{"type":"item.completed"}', /without an item/],
    ['{"type":"item.completed","item":{"type":"hologram"}}', /unknown item type "hologram"/],
  ])('%s -> unparsed', (line, reason) => {
    const events = parseCodexLine(line);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'unparsed', line, reason: expect.stringMatching(reason) });
  });

  it('ignores blank lines, progress events and bookkeeping items', () => {
    expect(parseCodexLine('')).toEqual([]);
    expect(parseCodexLine('{"type":"turn.started"}')).toEqual([]);
    expect(parseCodexLine('{"type":"item.started","item":{"type":"command_execution"}}')).toEqual([]);
    expect(parseCodexLine('{"type":"item.completed","item":{"type":"todo_list","items":[]}}')).toEqual([]);
  });

  it('tolerates odd shapes inside known events', () => {
    expect(parseCodexLine('{"type":"turn.completed"}')).toEqual([{ type: 'result', ok: true, text: '' }]);
    expect(parseCodexLine('{"type":"turn.failed","error":"x"}')[0]).toMatchObject({ type: 'result', ok: false, text: 'turn failed' });
    expect(parseCodexLine('{"type":"error"}')).toEqual([{ type: 'error', message: 'unknown error' }]);
    expect(parseCodexLine('{"type":"item.completed","item":{"id":"m","type":"mcp_tool_call","server":"s","tool":"t","error":{"message":"boom"},"status":"failed"}}')).toEqual([
      { type: 'tool_call', id: 'm', name: 'mcp__s__t', input: undefined },
      { type: 'tool_result', id: 'm', isError: true, output: 'boom' },
    ]);
  });
});
