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
  const ctx = (promptText: string, cwd?: string): ConversationContext => ({
    promptText, firstUserText: promptText, turn: 0, promptIndex: 0, lastToolResults: [], body: {}, ...(cwd ? { cwd } : {}),
  });

  it('writes the deliverables, runs the verify command, then ends', () => {
    const steps = epicScenario(ctx('# T\nDeliverables:\n- `a/b.ts`\nVerify: `ls a`', '/w/')) as Step[];
    expect(steps).toHaveLength(3);
    expect(steps[0]?.tools?.[0]).toEqual({ name: 'Write', input: { file_path: '/w/a/b.ts', content: expect.stringContaining('export const b') } });
    expect(steps[1]?.tools?.[0]?.input).toMatchObject({ command: 'ls a' });
    expect(steps[2]?.tools).toBeUndefined();
    expect(steps[2]?.text).toContain('a/b.ts');
  });

  it('without deliverables only runs ls and ends', () => {
    const steps = epicScenario(ctx('hello')) as Step[];
    expect(steps.map((s) => s.tools?.[0]?.name)).toEqual(['Bash', undefined]);
  });
});
