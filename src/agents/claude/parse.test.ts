import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../types.js';
import { parseClaudeLine } from './parse.js';

/** Real transcripts of Claude Code 2.1.197 against the simulated model (see claude.slow.test.ts). */
const fixture = (name: string): AgentEvent[] =>
  readFileSync(fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url)), 'utf8').split('\n').flatMap(parseClaudeLine);

const ofType = <T extends AgentEvent['type']>(events: AgentEvent[], type: T): Array<Extract<AgentEvent, { type: T }>> =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

describe('parseClaudeLine on captured transcripts', () => {
  it('success with tools: session, text, tool calls and results, result with usage and cost', () => {
    const events = fixture('success-tools');
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(events[0]).toMatchObject({ type: 'session', sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/), version: '2.1.197' });
    expect(ofType(events, 'tool_call').map((e) => e.name)).toEqual(['Write', 'Write', 'Bash']);
    expect(ofType(events, 'tool_call')[2]?.input).toMatchObject({ command: 'echo verified > verify.txt && ls' });
    const results = ofType(events, 'tool_result');
    expect(results).toHaveLength(3);
    expect(results.every((r) => !r.isError && r.id.startsWith('toolu_sim_'))).toBe(true);
    expect(results[0]?.output).toContain('File created successfully');
    expect(ofType(events, 'text').map((e) => e.text)).toContain('Checking the result.');
    const result = events.at(-1);
    expect(result).toMatchObject({ type: 'result', ok: true, subtype: 'success', numTurns: 4, costUsd: expect.any(Number) });
    if (result?.type !== 'result') throw new Error('no result');
    expect(result.text).toContain('Wrote 2 file(s)');
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
    expect(result.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('API error 500: a synthetic assistant message becomes an error, result not ok', () => {
    const events = fixture('api-error-500');
    expect(ofType(events, 'text')).toEqual([]);
    expect(ofType(events, 'error')[0]?.message).toContain('API Error: 500 scripted failure');
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: false, subtype: 'success', text: expect.stringContaining('scripted failure') });
  });

  it('retry: system/api_retry becomes a retry event', () => {
    const retry = ofType(fixture('api-retry'), 'retry');
    expect(retry).toEqual([{ type: 'retry', attempt: 1, max: 1, delayMs: expect.any(Number), status: 529, message: 'overloaded' }]);
  });

  it('max turns: error result with the errors list as text', () => {
    expect(fixture('max-turns').at(-1)).toMatchObject({
      type: 'result', ok: false, subtype: 'error_max_turns', text: 'Reached maximum number of turns (1)', errors: ['Reached maximum number of turns (1)'],
    });
  });

  it('bad resume id: only an error result', () => {
    const events = fixture('bad-resume');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'result', ok: false, subtype: 'error_during_execution', text: expect.stringContaining('No conversation found with session ID') });
  });

  it('permission denied: an error tool result in a successful run', () => {
    const events = fixture('permission-denied');
    expect(ofType(events, 'tool_result')[0]).toMatchObject({ isError: true, output: expect.stringContaining('has been denied') });
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: true });
  });

  it('resume keeps the session id of the first run', () => {
    expect(ofType(fixture('resume'), 'session')[0]?.sessionId).toBe(ofType(fixture('success-tools'), 'session')[0]?.sessionId);
  });
});

describe('parseClaudeLine on garbage', () => {
  it.each([
    ['{not json', /not JSON/],
    ['[1,2]', /not an object/],
    ['"text"', /not an object/],
    ['null', /not an object/],
    ['{"no":"type"}', /not an object/],
    ['{"type":"brand_new_event"}', /unknown event type "brand_new_event"/],
    ['{"type":"system","subtype":"init"}', /without session_id/],
  ])('%s -> unparsed', (line, reason) => {
    const events = parseClaudeLine(line);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'unparsed', line, reason: expect.stringMatching(reason) });
  });

  it('ignores blank lines, partial-message events and other system subtypes', () => {
    expect(parseClaudeLine('')).toEqual([]);
    expect(parseClaudeLine('   ')).toEqual([]);
    expect(parseClaudeLine('{"type":"stream_event","event":{}}')).toEqual([]);
    expect(parseClaudeLine('{"type":"system","subtype":"hook_started"}')).toEqual([]);
  });

  it('tolerates odd shapes inside known events', () => {
    expect(parseClaudeLine('{"type":"assistant","message":{"content":"plain"}}')).toEqual([]);
    expect(parseClaudeLine('{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"a"},{"type":"image"}]}]}}')).toEqual([
      { type: 'tool_result', id: 't', isError: false, output: 'a\n[image]' },
    ]);
    expect(parseClaudeLine('{"type":"result","is_error":false}')).toEqual([{ type: 'result', ok: true, text: '' }]);
    expect(parseClaudeLine('{"type":"result"}')[0]).toMatchObject({ ok: false });
  });
});
