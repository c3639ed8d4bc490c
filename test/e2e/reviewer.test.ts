import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import type { ReviewQueueEntry } from './runs.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

describe('[review] reviewer_agent: an agent reads every change and can only add a flag', () => {
  it('flags what the rules let through, with its reasons; routine changes still merge by themselves; read-only tools', async () => {
    sb = sandbox({
      '.orch/config.toml': 'max_parallel_agents = 3\n\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[review]\nreviewer_agent = "reviewer"\n',
      'docs/plans/a-module/epic-01-retry.md': epic('Retry', 'Tune retries.', { 'src/retry.js': 'export const retries = 0; // review-flag' }),
      'docs/plans/b-module/epic-01-docs.md': epic('Docs', 'Write docs.', { 'docs/guide.md': '# Guide' }),
    });
    const s = sb;
    expect(s.orch('start').status).toBe(0);
    await until(() => s.orchJson<Array<{ id: string; status: string }>>('list').find((t) => t.id === 'b/E01')?.status === 'complete', 'the routine change to merge');
    const queue = await until(() => s.orchJson<ReviewQueueEntry[]>('pr', 'review').find((q) => q.taskId === 'a/E01'), 'the flagged change in the review queue');
    expect(queue.decision.flagged).toBe(true);
    expect(queue.decision.category).toBe('architecture');
    expect(queue.decision.reasons).toEqual([{ category: 'architecture', rule: 'reviewer/default', file: 'src/retry.js', line: 1, detail: 'turns retries off for every client' }]);
    expect(s.git('log', '--format=%s', 'main')).not.toContain('implement E01 - Retry');

    const calls = readFileSync(s.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { prompt: string; args: string[]; resume: string | null });
    const reviews = calls.filter((c) => c.prompt.startsWith('You review a change'));
    expect(reviews).toHaveLength(2);
    for (const r of reviews) {
      expect(r.resume).toBeNull();
      const allowed = r.args.slice(r.args.indexOf('--allowedTools') + 1, r.args.indexOf('--disallowedTools'));
      expect(allowed).toEqual(['Read', 'Glob', 'Grep']);
      const denied = r.args.slice(r.args.indexOf('--disallowedTools') + 1);
      expect(denied).toEqual(expect.arrayContaining(['Write', 'Edit', 'Bash']));
    }
    expect(reviews.find((r) => r.prompt.includes('src/retry.js'))?.prompt).toContain('+export const retries = 0; // review-flag');
    // The reviewer's tokens count towards the run.
    const shown = s.orchJson<{ runs: Array<{ usage: { inputTokens: number } }> }>('show', 'a/E01');
    expect(shown.runs[0]?.usage.inputTokens).toBe(1300);

    expect(s.orch('pr', 'merge', 'a/E01').status).toBe(0);
    await until(() => s.orchJson<Array<{ id: string; status: string }>>('list').find((t) => t.id === 'a/E01')?.status === 'complete', 'the approved merge');
  });

  it('a reviewer with no verdict flags the change (when unsure, flag)', async () => {
    sb = sandbox({
      '.orch/config.toml': '[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[review]\nreviewer_agent = "claude"\n',
      'docs/plans/a-module/epic-01-x.md': epic('X', 'x', { 'src/x.js': 'export const x = 1; // review-garbage' }),
    });
    const s = sb;
    expect(s.orch('start').status).toBe(0);
    const queue = await until(() => s.orchJson<ReviewQueueEntry[]>('pr', 'review').find((q) => q.taskId === 'a/E01'), 'the flagged change');
    expect(queue.decision.reasons[0]).toMatchObject({ rule: 'reviewer/claude', detail: expect.stringContaining('no verdict from the reviewer agent') });
  });
});
