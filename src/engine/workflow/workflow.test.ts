import { afterEach, describe, expect, it } from 'vitest';
import { freshWorkflow, parseWorkflow } from '../../api/index.js';
import type { RunRow } from '../../store/index.js';
import { workflowMarkdown } from '../forge-steps.js';
import { parsePlan } from '../../plans/parse.js';
import { writeRepo } from '../../plans/testing.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function parsePlanFiles(files: Record<string, string>) {
  const repo = await writeRepo(Object.fromEntries(Object.entries(files).map(([p, c]) => [`docs/plans/${p}`, c])));
  cleanups.push(repo.cleanup);
  return parsePlan(repo.root);
}
import { parseReview, parseTest } from './prompts.js';

describe('workflow specs (G5)', () => {
  it('reads steps joined by -> (or →), code first, each once', () => {
    expect(parseWorkflow('code -> review -> test')).toEqual({ ok: true, steps: ['code', 'review', 'test'] });
    expect(parseWorkflow(' Code→TEST ')).toEqual({ ok: true, steps: ['code', 'test'] });
    expect(parseWorkflow('code')).toEqual({ ok: true, steps: ['code'] });
    expect(parseWorkflow('review -> code')).toMatchObject({ ok: false, error: expect.stringContaining('starts with code') });
    expect(parseWorkflow('code -> deploy')).toMatchObject({ ok: false, error: 'unknown step "deploy"; steps are code, review, test' });
    expect(parseWorkflow('code -> review -> review')).toMatchObject({ ok: false, error: expect.stringContaining('appears twice') });
    expect(parseWorkflow('code -> -> test')).toMatchObject({ ok: false, error: expect.stringContaining('empty step') });
  });

  it('a bad `workflow:` in an epic names the file, the line and the fix', async () => {
    const plan = await parsePlanFiles({ 'a-module/epic-01-x.md': '---\npriority: high\nworkflow: code -> deploy\n---\n# X\n' });
    expect(plan.issues).toEqual([
      expect.objectContaining({ severity: 'error', file: 'docs/plans/a-module/epic-01-x.md', line: 3, message: expect.stringContaining('unknown step "deploy"'), fix: expect.stringContaining('workflow: code -> review -> test') }),
    ]);
    const ok = await parsePlanFiles({ 'a-module/epic-01-x.md': '---\nworkflow: code→review\n---\n# X\n' });
    expect(ok.tasks[0]?.workflow).toBe('code -> review');
  });
});

describe('role verdicts', () => {
  it("takes the last verdict line of the reviewer's answer, with its comments", () => {
    const text = 'I read it. {"verdict": "maybe"}\n{"verdict": "changes", "summary": "needs a test", "comments": [{"file": "src/a.ts", "line": 3, "comment": "handle null"}, "rename x", {"comment": ""}]}';
    expect(parseReview(text)).toEqual({ verdict: 'changes', summary: 'needs a test', items: ['src/a.ts:3: handle null', 'rename x'] });
    expect(parseReview('{"verdict": "routine"}')).toBeUndefined();
    expect(parseReview('no json here')).toBeUndefined();
  });

  it("takes the tester's pass or fail with its failures", () => {
    expect(parseTest('ran\n{"verdict": "fail", "summary": "off by one", "failures": ["sum(1,1) is 3", 7]}')).toEqual({ verdict: 'fail', summary: 'off by one', items: ['sum(1,1) is 3'] });
    expect(parseTest('{"verdict": "approve"}')).toBeUndefined();
  });
});

describe('the PR body', () => {
  it('has a row per workflow step and the comments of the steps that gave some', () => {
    const wf = freshWorkflow(['code', 'review', 'test']);
    Object.assign(wf.steps[1]!, { status: 'approved', agent: 'reviewer', model: 'opus', rounds: 1, summary: 'fine | done', comments: ['src/a.ts:3: handle null'], costUsd: 0.25 });
    const md = workflowMarkdown({ workflow: JSON.stringify(wf) } as RunRow).join('\n');
    expect(md).toContain('`code -> review -> test`');
    expect(md).toContain('| review | reviewer | reviewer (opus) | approved: fine \\| done | 1 | $0.2500 |');
    expect(md).toContain('| test | tester |  | pending | 0 | $0.0000 |');
    expect(md).toContain('- src/a.ts:3: handle null');
    expect(workflowMarkdown({ workflow: null } as RunRow)).toEqual([]);
  });
});
