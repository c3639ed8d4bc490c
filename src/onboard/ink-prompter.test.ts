import { createElement as h } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { QuestionView } from './ink-prompter.js';

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('QuestionView', () => {
  it('highlights the default, moves with the arrows and answers with Enter', async () => {
    const answers: unknown[] = [];
    const q = { kind: 'select' as const, id: 'agent', message: 'Which agent?', default: 'codex', choices: [{ value: 'claude', label: 'Claude Code' }, { value: 'codex', label: 'Codex', hint: '0.169.0' }] };
    const app = render(h(QuestionView, { q, done: (v) => answers.push(v) }));
    await until(() => (app.lastFrame() ?? '').includes('❯ Codex'));
    expect(app.lastFrame()).toContain('? Which agent?');
    app.stdin.write('\u001B[A');
    await until(() => (app.lastFrame() ?? '').includes('❯ Claude Code'));
    app.stdin.write('\r');
    await until(() => answers.length > 0);
    expect(answers).toEqual(['claude']);
  });

  it('answers a confirm with y or n', async () => {
    const answers: unknown[] = [];
    const app = render(h(QuestionView, { q: { kind: 'confirm', id: 'w', message: 'Write?', default: true }, done: (v) => answers.push(v) }));
    await until(() => (app.lastFrame() ?? '').includes('❯ Yes'));
    app.stdin.write('n');
    await until(() => answers.length > 0);
    expect(answers).toEqual([false]);
  });
});
