import { describe, expect, it } from 'vitest';
import { checkToolCalls } from '../resilience/index.js';
import { trimEvent } from './judge.js';

describe('trimEvent', () => {
  it('drops file contents but keeps what judging reads: commands and paths', () => {
    const content = 'x'.repeat(100_000);
    const write = trimEvent({ type: 'tool_call', id: 't1', name: 'Write', input: { file_path: '/elsewhere/a.ts', content } });
    expect(write.type === 'tool_call' && (write.input as { content: string }).content.length).toBeLessThanOrEqual(201);
    const bash = trimEvent({ type: 'tool_call', id: 't2', name: 'Bash', input: { command: `echo ${'y'.repeat(1500)} && git push origin main` } });
    expect(checkToolCalls([write, bash], { worktree: '/work/tree' }).map((v) => v.rule).sort()).toEqual(['outside-worktree', 'push']);
  });

  it('keeps the head and tail of a long tool result', () => {
    const output = `FAIL src/a.test.ts\n${'.'.repeat(50_000)}\nTests 1 failed`;
    const r = trimEvent({ type: 'tool_result', id: 't', isError: false, output });
    expect(r.type === 'tool_result' && r.output.startsWith('FAIL src/a.test.ts') && r.output.endsWith('Tests 1 failed') && r.output.length < 2100).toBe(true);
  });
});
