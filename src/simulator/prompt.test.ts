import { describe, expect, it } from 'vitest';
import { epicScenario } from './epic.js';
import { readPromptDirectives } from './prompt.js';
import type { ConversationContext, Step } from './types.js';

describe('readPromptDirectives', () => {
  it('reads backticked paths from a Deliverables list', () => {
    const d = readPromptDirectives(
      ['# Billing: invoices', '', 'Some text with `not/a/deliverable.ts`.', '', '## Deliverables', '', '- `src/billing/invoice.ts`: the model', '- `docs/billing.md` and `src/billing/index.ts`', '  continued `src/billing/tax.ts`', '', 'Afterwards `ignored.ts`.'].join('\n'),
    );
    expect(d.files.map((f) => f.path)).toEqual(['src/billing/invoice.ts', 'docs/billing.md', 'src/billing/index.ts', 'src/billing/tax.ts']);
    expect(d.title).toBe('Billing: invoices');
  });

  it('accepts bold and inline forms and drops unsafe paths', () => {
    const d = readPromptDirectives('Do it.\n**Deliverables:** `a.txt`, `/etc/passwd`, `../up.ts`, `noext`\n- `b/c.md`\n');
    expect(d.files.map((f) => f.path)).toEqual(['a.txt', 'b/c.md']);
  });

  it('reads file: fenced blocks with exact content and deliverables fences', () => {
    const text = 'Task\n\n```file:src/x.ts\nexport const x = 1;\n```\n\n```deliverables\nsrc/y.ts\n`src/z.ts`\n```\nVerify: `npm test`\n[[scenario:alpha]]';
    const d = readPromptDirectives(text);
    expect(d.files).toEqual([{ path: 'src/x.ts', content: 'export const x = 1;\n' }, { path: 'src/y.ts' }, { path: 'src/z.ts' }]);
    expect(d.verify).toBe('npm test');
    expect(d.scenarioName).toBe('alpha');
    expect(d.title).toBe('Task');
  });

  it('finds nothing in a plain prompt', () => {
    expect(readPromptDirectives('say hi').files).toEqual([]);
  });
});

describe('epicScenario', () => {
  const ctx = (promptText: string, more: Partial<ConversationContext> = {}): ConversationContext => ({
    promptText, firstUserText: promptText, turn: 0, promptIndex: 0, lastToolCalls: [], lastToolResults: [], body: {}, cwd: '/w/', ...more,
  });
  const play = (c: ConversationContext): Step => {
    const s = epicScenario(c)[c.turn];
    if (s === undefined) throw new Error('no step');
    return typeof s === 'function' ? s(c) : s;
  };
  const PROMPT = '# T\nDeliverables:\n- `a/b.ts`\n- `c.md`\nVerify: `ls a`';

  it('writes the deliverables, runs the verify command, then ends', () => {
    const s0 = play(ctx(PROMPT));
    expect(s0.tools?.[0]).toEqual({ name: 'Write', input: { file_path: '/w/a/b.ts', content: expect.stringContaining('export const b') } });
    expect(s0.tools).toHaveLength(2);
    const writes = (s0.tools ?? []).map((t, i) => ({ id: `t${i}`, ...t }));
    const ok = writes.map((w) => ({ toolUseId: w.id, isError: false, content: 'File created successfully' }));
    const s1 = play(ctx(PROMPT, { turn: 1, lastToolCalls: writes, lastToolResults: ok }));
    expect(s1.tools).toEqual([{ name: 'Bash', input: { command: 'ls a', description: 'Check the work' } }]);
    const s2 = play(ctx(PROMPT, { turn: 2, lastToolCalls: [{ id: 'b', name: 'Bash', input: {} }] }));
    expect(s2.tools).toBeUndefined();
    expect(s2.text).toContain('a/b.ts, c.md');
  });

  it('reads and rewrites files Claude refused to overwrite unread', () => {
    const writes = (play(ctx(PROMPT)).tools ?? []).map((t, i) => ({ id: `t${i}`, ...t }));
    const results = [
      { toolUseId: 't0', isError: true, content: '<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>' },
      { toolUseId: 't1', isError: false, content: 'File created successfully' },
    ];
    const s1 = play(ctx(PROMPT, { turn: 1, lastToolCalls: writes, lastToolResults: results }));
    expect(s1.tools?.map((t) => [t.name, t.input.file_path ?? t.input.command])).toEqual([['Read', '/w/a/b.ts'], ['Bash', 'ls a']]);
    const reads = (s1.tools ?? []).map((t, i) => ({ id: `r${i}`, ...t }));
    const s2 = play(ctx(PROMPT, { turn: 2, lastToolCalls: reads }));
    expect(s2.tools).toEqual([{ name: 'Write', input: { file_path: '/w/a/b.ts', content: expect.stringContaining('export const b') } }]);
    expect(play(ctx(PROMPT, { turn: 3 })).text).toContain('Done: T.');
  });

  it('without deliverables only runs ls and ends', () => {
    expect(play(ctx('hello')).tools?.[0]?.input).toMatchObject({ command: 'ls' });
    expect(play(ctx('hello', { turn: 1 })).tools).toBeUndefined();
  });
});
