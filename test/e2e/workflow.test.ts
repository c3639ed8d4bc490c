import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import type { ReviewQueueEntry } from './runs.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

interface Step {
  name: string;
  role: string;
  status: string;
  rounds: number;
  agent: string | null;
  summary: string | null;
  comments: string[];
  tokens: number;
}
interface Shown {
  task: { status: string; workflow?: string };
  runs: Array<{ state: string; sessionId: string | null; workflow?: { spec: string; steps: Step[] } | null; usage: { inputTokens: number } }>;
}
interface Call {
  prompt: string;
  args: string[];
  resume: string | null;
  session: string;
}

const calls = (s: Sandbox): Call[] =>
  readFileSync(s.agentLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Call);
const status = (s: Sandbox, id: string): string | undefined => s.orchJson<Array<{ id: string; status: string }>>('list').find((t) => t.id === id)?.status;

describe('workflows (G5): code -> review -> test', () => {
  it("the reviewer's change request goes back to the coder's session, the tester's tests are committed, each step shows in orch show", async () => {
    sb = sandbox({
      '.orch/config.toml': 'max_parallel_agents = 2\n\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[review]\nenabled = false\n',
      'docs/plans/a-module/epic-01-add.md': epic('Add', 'Add numbers. wf-changes', { 'src/add.js': 'export const add = (a, b) => a + b;' }, 'workflow: code -> review -> test'),
      'docs/plans/b-module/epic-01-plain.md': epic('Plain', 'No workflow.', { 'src/plain.js': 'export const plain = 1;' }),
    });
    const s = sb;
    expect(s.orch('start').status).toBe(0);
    await until(() => status(s, 'a/E01') === 'complete' && status(s, 'b/E01') === 'complete', 'both tasks to merge');

    const shown = s.orchJson<Shown>('show', 'a/E01');
    expect(shown.task.workflow).toBe('code -> review -> test');
    const wf = shown.runs[0]?.workflow;
    expect(wf?.spec).toBe('code -> review -> test');
    expect(wf?.steps.map((x) => [x.name, x.role, x.status, x.rounds])).toEqual([
      ['code', 'coder', 'done', 0],
      ['review', 'reviewer', 'approved', 1],
      ['test', 'tester', 'passed', 0],
    ]);
    expect(wf?.steps[1]?.agent).toBe('default');
    expect(wf?.steps[2]?.tokens).toBe(660);
    // The change request reached the coder's own session, and its fix and the tester's tests merged.
    const log = calls(s);
    const coder = log.find((c) => c.prompt.includes('Add numbers'));
    const resumed = log.filter((c) => c.prompt.startsWith('The reviewer (default) asked for changes'));
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.resume).toBe(coder?.session);
    expect(resumed[0]?.prompt).toContain('review-fix.txt:1: add it:');
    const reviews = log.filter((c) => c.prompt.startsWith('You are the reviewer of a change'));
    expect(reviews).toHaveLength(2);
    for (const r of reviews) {
      expect(r.resume).toBeNull();
      expect(r.args.slice(r.args.indexOf('--allowedTools') + 1, r.args.indexOf('--disallowedTools'))).toEqual(['Read', 'Glob', 'Grep']);
      expect(r.prompt).toContain('Add numbers. wf-changes');
    }
    expect(reviews[1]?.prompt).toContain('+wf-fixed by the coder');
    const tests = log.filter((c) => c.prompt.startsWith('You are the tester of a change'));
    expect(tests).toHaveLength(1);
    expect(tests[0]?.prompt).toContain('+wf-fixed by the coder');
    expect(s.git('show', 'main:review-fix.txt')).toBe('wf-fixed by the coder\n');
    expect(s.git('show', 'main:test/wf.test.txt')).toBe('tested round 1\n');

    const text = s.orch('show', 'a/E01').stdout;
    expect(text).toContain('workflow: code -> review -> test');
    expect(text).toMatch(/review: approved by default, 1 round back to the coder — does what the epic asks/);
    expect(text).toMatch(/test: passed by default — tests written and passing/);

    // The built-in default stays code, then the checks: no workflow steps, no reviewer or tester.
    const plain = s.orchJson<Shown>('show', 'b/E01');
    expect(plain.task.workflow).toBe('code');
    expect(plain.runs[0]?.workflow).toBeNull();
    expect(log.filter((c) => c.prompt.includes('task b/E01') && /^You are the (reviewer|tester)/.test(c.prompt))).toEqual([]);
  });

  it('[workflow] default for the project: a flag waits for a person, failing tests go back to the coder, rounds are limited', async () => {
    sb = sandbox({
      '.orch/config.toml': [
        'max_parallel_agents = 3',
        '[agent]',
        'pass_env = ["FAKE_CLAUDE_*"]',
        '[review]',
        'enabled = false',
        '[workflow]',
        'default = "code -> review -> test"',
        '[workflow.review]',
        'max_rounds = 1',
        '[workflow.test]',
        'model = "tester-model"',
        '',
      ].join('\n'),
      'docs/plans/a-module/epic-01-round.md': epic('Round', 'Round money. wf-flag', { 'src/round.js': 'export const round = Math.round;' }),
      'docs/plans/b-module/epic-01-sum.md': epic('Sum', 'Sum numbers. wf-testfail', { 'src/sum.js': 'export const sum = (a, b) => a + b + 1;' }),
      'docs/plans/c-module/epic-01-loop.md': epic('Loop', 'Never good enough. wf-always-changes', { 'src/loop.js': 'export const loop = 1;' }),
    });
    const s = sb;
    expect(s.orch('start').status).toBe(0);
    await until(() => status(s, 'b/E01') === 'complete', 'the change whose tests failed once to merge', 90_000);
    const queue = await until(() => {
      const q = s.orchJson<ReviewQueueEntry[]>('pr', 'review');
      return q.length === 2 ? q : undefined;
    }, 'two flagged changes', 90_000);

    const flag = queue.find((q) => q.taskId === 'a/E01');
    expect(flag?.decision.reasons[0]).toMatchObject({ rule: 'workflow/review/default', detail: 'the reviewer flagged it: it changes how money is rounded; a person must decide' });
    const a = s.orchJson<Shown>('show', 'a/E01').runs[0]?.workflow?.steps.map((x) => [x.name, x.status]);
    expect(a).toEqual([['code', 'done'], ['review', 'flagged'], ['test', 'pending']]);

    const loop = queue.find((q) => q.taskId === 'c/E01');
    expect(loop?.decision.reasons[0]?.detail).toMatch(/^the reviewer still asks for changes after 1 round with the coder/);
    const c = s.orchJson<Shown>('show', 'c/E01').runs[0]?.workflow?.steps[1];
    expect(c).toMatchObject({ status: 'flagged', rounds: 1 });

    const b = s.orchJson<Shown>('show', 'b/E01').runs[0]?.workflow?.steps;
    expect(b?.map((x) => [x.name, x.status, x.rounds])).toEqual([['code', 'done', 0], ['review', 'approved', 0], ['test', 'passed', 1]]);
    const log = calls(s);
    const testers = log.filter((x) => x.prompt.startsWith('You are the tester') && x.prompt.includes('task b/E01'));
    expect(testers).toHaveLength(2);
    for (const t of testers) expect(t.args).toContain('--model=tester-model');
    // The tester may write: its tools are the coder's, not the reviewer's read-only set.
    expect(testers[0]?.args.slice(testers[0].args.indexOf('--allowedTools') + 1)).toContain('Write');
    const back = log.find((x) => x.prompt.startsWith('The tester (default) found problems'));
    expect(back?.prompt).toContain('the sum is off by one');
    expect(s.git('show', 'main:tester-fix.txt')).toBe('wf-fixed by the coder\n');
    expect(s.git('log', '--format=%s', 'main')).not.toContain('implement E01 - Round');

    // A person approves the flagged change: it merges without running the steps again.
    expect(s.orch('pr', 'merge', 'a/E01').status).toBe(0);
    await until(() => status(s, 'a/E01') === 'complete', 'the approved change to merge');
    expect(calls(s).filter((x) => x.prompt.startsWith('You are the reviewer') && x.prompt.includes('task a/E01'))).toHaveLength(1);
  });
});
