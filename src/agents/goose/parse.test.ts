import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../types.js';
import { parseGooseLine } from './parse.js';

/** Transcripts in the shapes of goose's `StreamEvent` (AGENT-CLIS.md 3, from source); goose was never run. */
const fixture = (name: string): AgentEvent[] =>
  readFileSync(fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url)), 'utf8').split('\n').flatMap(parseGooseLine);

const ofType = <T extends AgentEvent['type']>(events: AgentEvent[], type: T): Array<Extract<AgentEvent, { type: T }>> =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

describe('parseGooseLine on transcripts', () => {
  it('success: text, tool requests and responses, usage and cost from complete', () => {
    const events = fixture('success-tools');
    expect(ofType(events, 'unparsed')).toEqual([]);
    expect(ofType(events, 'text').map((e) => e.text)).toEqual(['Running a command.', 'Done. Tool ran.']);
    expect(ofType(events, 'tool_call')).toEqual([
      { type: 'tool_call', id: 'tool123', name: 'developer__shell', input: { command: 'echo hi > made.txt' } },
      { type: 'tool_call', id: 'tool124', name: 'developer__shell', input: { command: 'false' } },
    ]);
    expect(ofType(events, 'tool_result')).toEqual([
      { type: 'tool_result', id: 'tool123', isError: false, output: 'hi written' },
      { type: 'tool_result', id: 'tool124', isError: true, output: 'Command failed with exit code 1' },
    ]);
    const usage = { inputTokens: 1000, outputTokens: 234, cacheReadTokens: 10, cacheWriteTokens: 0 };
    expect(events.slice(-2)).toEqual([{ type: 'usage', usage }, { type: 'result', ok: true, text: '', usage, costUsd: 0.01 }]);
  });

  it('error event: failed result with the message', () => {
    expect(fixture('error').at(-1)).toEqual({
      type: 'result', ok: false, subtype: 'error', text: 'Tool approval required in non-interactive mode', errors: ['Tool approval required in non-interactive mode'],
    });
  });
});

describe('parseGooseLine on garbage', () => {
  it.each([
    ['{not json', /not JSON/],
    ['"x"', /not an object/],
    ['{"type":"message"}', /without a content list/],
    ['{"type":"message","message":{"content":"flat"}}', /without a content list/],
    ['{"type":"progress"}', /unknown event type "progress"/],
  ])('%s -> unparsed', (line, reason) => {
    expect(parseGooseLine(line)).toEqual([{ type: 'unparsed', line, reason: expect.stringMatching(reason) }]);
  });

  it('tolerates odd shapes', () => {
    expect(parseGooseLine('')).toEqual([]);
    expect(parseGooseLine('{"type":"message","message":{"role":"user","content":[{"type":"text","text":"prompt echo"}]}}')).toEqual([]);
    expect(parseGooseLine('{"type":"message","message":{"role":"assistant","content":[{"type":"toolRequest","id":"t","toolCall":{"status":"error","error":"bad json"}}]}}')).toEqual([
      { type: 'tool_call', id: 't', name: '', input: { error: 'bad json' } },
    ]);
    expect(parseGooseLine('{"type":"message","message":{"role":"user","content":[{"type":"toolResponse","id":"t","toolResult":{"status":"success","value":[{"type":"text","text":"a"},{"type":"image"}]}}]}}')).toEqual([
      { type: 'tool_result', id: 't', isError: false, output: 'a\n[image]' },
    ]);
    expect(parseGooseLine('{"type":"complete"}')[1]).toEqual({ type: 'result', ok: true, text: '', usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } });
  });
});
