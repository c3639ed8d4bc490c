import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../types.js';
import { openCodeStepCost, parseOpenCodeLine } from './parse.js';

/**
 * `real-*`: captured from OpenCode 1.18.33 by `opencode.slow.test.ts` (ORCH_CAPTURE_FIXTURES=1). The others are
 * written in the shapes of AGENT-CLIS.md 7.7 (and `done` from 5, which 1.18.33 never prints).
 */
const read = (name: string): string[] => readFileSync(fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url)), 'utf8').split('\n');
const fixture = (name: string): AgentEvent[] => read(name).flatMap(parseOpenCodeLine);

const ofType = <T extends AgentEvent['type']>(events: AgentEvent[], type: T): Array<Extract<AgentEvent, { type: T }>> =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

describe('parseOpenCodeLine on transcripts', () => {
  it('two steps: session per step, text, tool calls with results, usage per step, no terminal event', () => {
    const events = fixture('success-tools');
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(ofType(events, 'session')).toEqual([
      { type: 'session', sessionId: 'ses_dff678467ffeeLhsBYH358OtK3' }, { type: 'session', sessionId: 'ses_dff678467ffeeLhsBYH358OtK3' },
    ]);
    expect(ofType(events, 'text').map((e) => e.text)).toEqual(['Writing the file.', 'Done. Tool ran.']);
    expect(ofType(events, 'tool_call')).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'write', input: { filePath: 'made_by_tool.txt', content: 'hello from fake openai\n' } },
      { type: 'tool_call', id: 'call_2', name: 'bash', input: { command: 'git push' } },
    ]);
    expect(ofType(events, 'tool_result')).toEqual([
      { type: 'tool_result', id: 'call_1', isError: false, output: 'Wrote file successfully.' },
      { type: 'tool_result', id: 'call_2', isError: true, output: 'The user rejected permission to use this specific tool call.' },
    ]);
    expect(ofType(events, 'usage').map((e) => e.usage)).toEqual([
      { inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 },
      { inputTokens: 115, outputTokens: 10, cacheReadTokens: 50, cacheWriteTokens: 5 },
    ]);
    expect(ofType(events, 'result')).toEqual([]);
    expect(read('success-tools').map(openCodeStepCost).filter((c) => c !== undefined)).toEqual([0.001, 0.002]);
  });

  it('API error: session and a named error', () => {
    const events = fixture('api-error-500');
    expect(events.slice(-2)).toEqual([{ type: 'session', sessionId: 'ses_e00000000000aaaaBBBBcccc01' }, { type: 'error', message: 'APIError: scripted failure' }]);
  });

  it('done with rejected permissions is a failed result; reasoning is dropped', () => {
    const events = fixture('done-rejected');
    expect(ofType(events, 'text')).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'result', ok: false, text: '', subtype: 'done:idle', errors: ['permission rejected: bash'] });
    expect(parseOpenCodeLine('{"type":"done","reason":"idle","rejected":[]}')).toEqual([{ type: 'result', ok: true, text: '', subtype: 'done:idle' }]);
  });
});

describe('parseOpenCodeLine on real OpenCode 1.18.33 transcripts', () => {
  it('write then bash then text: three steps, tools completed, tokens per step, cost 0', () => {
    const lines = read('real-success-tools');
    const events = lines.flatMap(parseOpenCodeLine);
    expect(ofType(events, 'unparsed')).toEqual([]);
    const sessionId = (JSON.parse(lines[0] ?? '{}') as { sessionID: string }).sessionID;
    expect(sessionId).toMatch(/^ses_/);
    expect(new Set(ofType(events, 'session').map((e) => e.sessionId))).toEqual(new Set([sessionId]));
    expect(ofType(events, 'session')).toHaveLength(3);
    expect(ofType(events, 'text').map((e) => e.text)).toEqual(['Writing the file.', 'Running a command.', 'Done. Tool ran.']);
    expect(ofType(events, 'tool_call').map((e) => [e.name, e.input])).toEqual([
      ['write', { filePath: 'made.txt', content: 'hello from the simulator\n' }],
      ['bash', { command: 'echo hi-from-shell | tee shell.txt', description: 'echo' }],
    ]);
    expect(ofType(events, 'tool_result').map((e) => [e.isError, e.output])).toEqual([[false, 'Wrote file successfully.'], [false, 'hi-from-shell\n']]);
    const usage = ofType(events, 'usage').map((e) => e.usage);
    expect(usage).toHaveLength(3);
    expect(usage.every((u) => u.inputTokens > 0 && u.outputTokens > 0)).toBe(true);
    expect(lines.map(openCodeStepCost).filter((c) => c !== undefined)).toEqual([0, 0, 0]);
    expect(ofType(events, 'result')).toEqual([]);
  });

  it('the default epic scenario: two parallel writes, then the verify command', () => {
    const events = fixture('real-epic');
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(ofType(events, 'tool_call').map((e) => e.name)).toEqual(['write', 'write', 'bash']);
    expect(ofType(events, 'tool_result').every((e) => !e.isError)).toBe(true);
  });

  it('resume: the same session id, one bash call', () => {
    const events = fixture('real-resume');
    expect(ofType(events, 'session')[0]?.sessionId).toBe(ofType(fixture('real-success-tools'), 'session')[0]?.sessionId);
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(ofType(events, 'tool_call').map((e) => e.name)).toEqual(['bash']);
    expect(ofType(events, 'text').at(-1)?.text).toBe('Resumed.');
  });

  it('HTTP 500 after the retries: one error event carrying the session, nothing else', () => {
    expect(fixture('real-api-error-500')).toEqual([
      { type: 'session', sessionId: expect.stringMatching(/^ses_/) },
      { type: 'error', message: 'APIError: scripted failure' },
    ]);
  });
});

describe('parseOpenCodeLine on garbage', () => {
  it.each([
    ['{not json', /not JSON/],
    ['7', /not an object/],
    ['{"type":"text","part":{}}', /without part.text/],
    ['{"type":"tool_use"}', /without part/],
    ['{"type":"tool_use","part":{"tool":"bash"}}', /without part.state/],
    ['{"type":"snapshot"}', /unknown event type "snapshot"/],
  ])('%s -> unparsed', (line, reason) => {
    expect(parseOpenCodeLine(line)).toEqual([{ type: 'unparsed', line, reason: expect.stringMatching(reason) }]);
  });

  it('tolerates missing fields', () => {
    expect(parseOpenCodeLine('')).toEqual([]);
    expect(parseOpenCodeLine('{"type":"step_start"}')).toEqual([]);
    expect(parseOpenCodeLine('{"type":"step_finish","part":{}}')).toEqual([]);
    expect(parseOpenCodeLine('{"type":"error"}')).toEqual([{ type: 'error', message: 'unknown error' }]);
    expect(openCodeStepCost('{"type":"text"}')).toBeUndefined();
    expect(openCodeStepCost('{"type":"step_finish" broken')).toBeUndefined();
  });
});
