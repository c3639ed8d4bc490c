import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentLine, SUPPORTED_BACKENDS } from '../agents/index.js';
import type { AgentEvent, Event } from '../api/index.js';
import { activityOf, agentEventLines, eventLines, logEntryLines, toolActivity, toolArgs } from './index.js';

const fixtures = (backend: string): string[] => {
  const dir = join(import.meta.dirname, '..', 'agents', backend, 'fixtures');
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir, f));
};

describe('readable lines for every backend', () => {
  it.each(SUPPORTED_BACKENDS)('%s: captured transcripts read as text, shortened tool calls and folded results, never JSON', (backend) => {
    let tools = 0;
    for (const file of fixtures(backend)) {
      for (const raw of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const lines = parseAgentLine(backend, raw).filter((e) => e.type !== 'unparsed').flatMap((e) => agentEventLines(e, { argsMax: 60 }));
        for (const l of lines) {
          expect(l.text.trimStart().startsWith('{"'), `${file}: ${l.text}`).toBe(false);
          if (l.kind === 'tool') {
            tools++;
            expect(l.text.length).toBeLessThanOrEqual(60 + 40);
          }
          if (l.kind === 'result') expect(l.text.split('\n')).toHaveLength(1);
        }
      }
    }
    expect(tools).toBeGreaterThan(0);
  });

  it('shortens tool arguments to a path, a command or key=value pairs, relative to the worktree', () => {
    expect(toolArgs('Write', { file_path: '/w/r1/src/x.ts', content: 'x'.repeat(5000) }, { root: '/w/r1' })).toBe('src/x.ts');
    expect(agentEventLines({ type: 'tool_result', id: '1', isError: false, output: 'File created successfully at: /w/r1/src/x.ts' }, { root: '/w/r1' })).toEqual([{ kind: 'result', text: '← File created successfully at: src/x.ts' }]);
    expect(toolArgs('Bash', { command: 'npm test -- --run   src' })).toBe('npm test -- --run src');
    expect(toolArgs('command_execution', { command: ['bash', '-lc', 'ls'] })).toBe('bash -lc ls');
    expect(toolArgs('TodoWrite', { todos: [{ a: 1 }] }, { max: 20 })).toBe('todos=[{"a":1}]');
    expect(toolArgs('x', { long: 'y'.repeat(200) }, { max: 30 })).toHaveLength(30);
  });

  it('folds a result to its first line and counts the rest; errors are errors', () => {
    const ok: AgentEvent = { type: 'tool_result', id: '1', isError: false, output: 'one\ntwo\nthree\n' };
    expect(agentEventLines(ok)).toEqual([{ kind: 'result', text: '← one (+2 lines)' }]);
    expect(agentEventLines({ ...ok, isError: true }, { ascii: true })).toEqual([{ kind: 'error', text: '<- error: one (+2 lines)' }]);
    expect(agentEventLines({ type: 'error', message: 'API 500' })).toEqual([{ kind: 'error', text: 'API 500' }]);
    expect(agentEventLines({ type: 'text', text: 'a\n\nb' }).map((l) => l.text)).toEqual(['a', 'b']);
  });

  it('says what the agent is doing from its tool calls', () => {
    expect(toolActivity('Edit', { file_path: '/w/src/x.ts' }, '/w')).toBe('editing src/x.ts');
    expect(toolActivity('command_execution', { command: 'npx vitest run' })).toBe('running tests');
    expect(toolActivity('run_shell_command', { command: 'npm run build' })).toBe('building');
    expect(toolActivity('mcp__orch__ask_question', { text: 'which?' })).toBe('asking a question');
    expect(activityOf({ type: 'text', text: 'hm' })).toBe('writing');
    expect(activityOf({ type: 'usage', usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 } })).toBeUndefined();
  });

  it('reads log entries with parsed events, orch lines and stderr, and hides raw JSON from older daemons', () => {
    expect(logEntryLines({ t: '2026-12-03T10:11:12.000Z', s: 'out', l: '', e: [{ type: 'text', text: 'hi' }] })).toEqual([{ kind: 'text', text: 'hi', time: '10:11:12' }]);
    expect(logEntryLines({ t: '2026-12-03T10:11:12.000Z', s: 'orch', l: 'merged' })[0]).toMatchObject({ kind: 'orch', text: 'merged' });
    expect(logEntryLines({ t: '', s: 'out', l: '{"type":"assistant","message":{}}' })[0]?.text.startsWith('(')).toBe(true);
  });

  it('describes run events for a pane', () => {
    const e = (type: Event['type'], data: unknown): Event => ({ seq: 1, ts: '2026-12-03T10:11:12.000Z', type, taskId: 'a/E01', runId: 'r', data }) as Event;
    expect(eventLines(e('run.state', { from: 'running', to: 'failed', error: 'exit 1' }))[0]).toMatchObject({ kind: 'error', text: 'running → failed: exit 1' });
    expect(eventLines(e('run.waiting', { paused: [], all: true }))[0]?.text).toBe('everything paused');
    expect(eventLines(e('run.usage', { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 }))).toEqual([]);
  });
});
