import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../types.js';
import { parseGeminiLine } from './parse.js';

/**
 * `real-*`: captured from Gemini CLI 0.61.0 by `gemini.slow.test.ts` (ORCH_CAPTURE_FIXTURES=1). The others are
 * written in the shapes of AGENT-CLIS.md 7.3, for cases the slow test does not provoke.
 */
const fixture = (name: string): AgentEvent[] =>
  readFileSync(fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url)), 'utf8').split('\n').flatMap(parseGeminiLine);

/** A field of a fixture's n-th line, so the expectations survive a recapture. */
const field = (name: string, index: number, pick: (line: Record<string, unknown>) => unknown): unknown => {
  const lines = readFileSync(fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url)), 'utf8').trim().split('\n');
  return pick(JSON.parse(lines.at(index) ?? '{}') as Record<string, unknown>);
};

const ofType = <T extends AgentEvent['type']>(events: AgentEvent[], type: T): Array<Extract<AgentEvent, { type: T }>> =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

describe('parseGeminiLine on transcripts', () => {
  it('success with tools: session with model, deltas, tool calls and results, usage', () => {
    const events = fixture('success-tools');
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(events[0]).toEqual({ type: 'session', sessionId: '081f2564-c4b2-447b-9574-6b6a51d20cb7', model: 'gemini-2.5-flash' });
    expect(ofType(events, 'text').map((e) => e.text)).toEqual(['Writing the file.', 'Done. ', 'Tool ran.']);
    expect(ofType(events, 'tool_call')[0]).toEqual({
      type: 'tool_call', id: 'write_file__write_file_1795305906014_0', name: 'write_file', input: { file_path: 'made_by_tool.txt', content: 'hello from fake gemini\n' },
    });
    expect(ofType(events, 'tool_result')).toEqual([
      { type: 'tool_result', id: 'write_file__write_file_1795305906014_0', isError: false, output: '' },
      { type: 'tool_result', id: 'run_shell_command__run_shell_command_1795306180512_0', isError: false, output: 'hi-from-shell' },
    ]);
    const usage = { inputTokens: 200, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 };
    expect(events.slice(-2)).toEqual([{ type: 'usage', usage }, { type: 'result', ok: true, text: '', usage }]);
  });

  it('an unregistered tool is an error tool result; a warning is an error event; the run still succeeds', () => {
    const events = fixture('tool-not-registered');
    expect(ofType(events, 'tool_result')[0]).toMatchObject({ isError: true, output: expect.stringContaining('not found') });
    expect(ofType(events, 'error')).toEqual([{ type: 'error', message: 'Loop detected, stopping execution' }]);
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: true, usage: { inputTokens: 300, cacheReadTokens: 100 } });
  });

  it('API error: result not ok, with the error type and message', () => {
    const result = fixture('api-error-500').at(-1);
    expect(result).toMatchObject({ type: 'result', ok: false, subtype: 'unknown', text: expect.stringContaining('scripted failure') });
  });
});

describe('parseGeminiLine on real Gemini CLI 0.61.0 transcripts', () => {
  it('write_file then run_shell_command then text: session, deltas, tools, usage from result.stats', () => {
    const events = fixture('real-success-tools');
    expect(ofType(events, 'unparsed')).toEqual([]);
    const sessionId = field('real-success-tools', 0, (l) => l.session_id);
    expect(events[0]).toEqual({ type: 'session', sessionId, model: 'gemini-2.5-flash' });
    expect(ofType(events, 'text').map((e) => e.text)).toEqual(['Writing the file.', 'Running a command.', 'Done. Tool ran.']);
    expect(ofType(events, 'tool_call').map((e) => [e.name, e.input])).toEqual([
      ['write_file', { file_path: 'made.txt', content: 'hello from the simulator\n' }],
      ['run_shell_command', { command: 'echo hi-from-shell | tee shell.txt', description: 'echo' }],
    ]);
    const calls = ofType(events, 'tool_call').map((e) => e.id);
    expect(ofType(events, 'tool_result').map((e) => [e.id, e.isError, e.output])).toEqual([[calls[0], false, ''], [calls[1], false, 'hi-from-shell']]);
    const stats = field('real-success-tools', -1, (l) => l.stats) as { input_tokens: number; output_tokens: number };
    expect(stats.input_tokens).toBeGreaterThan(0);
    const usage = { inputTokens: stats.input_tokens, outputTokens: stats.output_tokens, cacheReadTokens: 0, cacheWriteTokens: 0 };
    expect(events.slice(-2)).toEqual([{ type: 'usage', usage }, { type: 'result', ok: true, text: '', usage }]);
  });

  it('the default epic scenario: two parallel writes, then the verify command', () => {
    const events = fixture('real-epic');
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(ofType(events, 'tool_call').map((e) => e.name)).toEqual(['write_file', 'write_file', 'run_shell_command']);
    expect(ofType(events, 'tool_result').every((e) => !e.isError)).toBe(true);
  });

  it('resume: the same session id again', () => {
    const events = fixture('real-resume');
    expect(events[0]).toMatchObject({ type: 'session', sessionId: field('real-success-tools', 0, (l) => l.session_id) });
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: true });
  });

  it('HTTP 500 with maxAttempts 1: a result not ok, the API error as text', () => {
    const result = fixture('real-api-error-500').at(-1);
    expect(result).toMatchObject({ type: 'result', ok: false, subtype: 'unknown', text: expect.stringContaining('"message":"scripted failure"') });
  });
});

describe('parseGeminiLine on garbage', () => {
  it.each([
    ['{not json', /not JSON/],
    ['[]', /not an object/],
    ['{"type":"init"}', /without session_id/],
    ['{"type":"message","role":"assistant","content":{"x":1}}', /without string content/],
    ['{"type":"telemetry"}', /unknown event type "telemetry"/],
  ])('%s -> unparsed', (line, reason) => {
    expect(parseGeminiLine(line)).toEqual([{ type: 'unparsed', line, reason: expect.stringMatching(reason) }]);
  });

  it('drops blank lines and the user prompt echo; tolerates missing fields', () => {
    expect(parseGeminiLine('  ')).toEqual([]);
    expect(parseGeminiLine('{"type":"message","role":"user","content":"hi"}')).toEqual([]);
    expect(parseGeminiLine('{"type":"result","status":"success"}')).toEqual([{ type: 'result', ok: true, text: '' }]);
    expect(parseGeminiLine('{"type":"result","status":"cancelled"}')[0]).toMatchObject({ ok: false, text: 'status cancelled' });
    expect(parseGeminiLine('{"type":"tool_result","tool_id":"t","status":"error","error":{"message":"no"}}')).toEqual([{ type: 'tool_result', id: 't', isError: true, output: 'no' }]);
  });
});
