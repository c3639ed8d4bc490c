import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer } from '../../src/simulator/index.js';
import type { ModelServer, Scenario } from '../../src/simulator/types.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';

interface Step {
  name: string;
  status: string;
  tokens: number;
}

// O3: a spent budget holds the workflow's reviewer like the coder, and the reviewer's tokens count. The real Claude
// Code plays coder and reviewer against the simulated model, which runs in this process so the test sees each call.
describe("a spent budget holds the workflow's review step", () => {
  let model: ModelServer;
  let sb: Sandbox;
  const reviewerCalls: string[] = [];
  const REVIEW: Scenario = [{ text: 'Reviewed.\n{"verdict": "approve", "summary": "does what the epic asks", "comments": []}', usage: { inputTokens: 7000, outputTokens: 70 } }];
  beforeAll(async () => {
    model = await startModelServer({
      scenario: (ctx) => {
        if (!ctx.firstUserText.includes('You are the reviewer of a change')) return undefined;
        if (ctx.turn === 0) reviewerCalls.push(ctx.firstUserText.slice(0, 80));
        return REVIEW;
      },
    });
  });
  afterAll(async () => {
    sb?.cleanup();
    await model?.close();
  });

  it('no reviewer turn while the task budget is spent, orch resume keeps it held, a raise runs the review (counted) and merges', { timeout: 240_000 }, async () => {
    sb = sandbox(
      {
        // The project's test waits for the test's go: the budget is lowered while the coder's change is checked.
        'check.mjs': [
          "import { existsSync, writeFileSync } from 'node:fs';",
          'const dir = process.argv[2];',
          "writeFileSync(`${dir}/checking`, '1');",
          "const wait = () => (existsSync(`${dir}/go`) ? (console.log('1 test passed'), process.exit(0)) : setTimeout(wait, 50));",
          'wait();',
        ].join('\n'),
        'docs/plans/a-module/epic-01-add.md': epic('Add', 'Add numbers.', { 'src/add.js': 'export const add = (a, b) => a + b;' }, 'workflow: code -> review'),
      },
      { realClaude: true, env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CODE_MAX_RETRIES: '1' } },
    );
    sb.env.CLAUDE_CONFIG_DIR = join(sb.base, 'claude');
    const gate = join(sb.base, 'agent');
    sb.write('.orch/config.toml', `max_parallel_agents = 1\n\n[commands]\ntest = ["node", "check.mjs", ${JSON.stringify(gate)}]\n\n[review]\nenabled = false\n\n[budget]\ntask_tokens = 100000000\n`);
    sb.commitAll('config');
    const started = await sb.orchAsync('start', 'a/E01');
    expect(started.status, started.stdout + started.stderr).toBe(0);
    await until(() => existsSync(join(gate, 'checking')), "the coder's change under the project's test", 120_000);
    // The coder's turn is over; its tokens are now past the task's budget.
    expect((await sb.orchAsync('budget', 'raise', 'task_tokens', '10')).status).toBe(0);
    writeFileSync(join(gate, 'go'), '');
    const held = await until(async () => {
      const r = (await showTask(sb, 'a/E01')).runs[0];
      return r?.state === 'waiting' && r.waitingReason?.startsWith('paused by budget') ? r : undefined;
    }, 'the run held before the review step', 60_000);
    expect(held.waitingReason).toMatch(/^paused by budget before the review step: task_tokens: the task budget of a\/E01 is spent: [\d,]+ tokens of 10 tokens/);
    expect(reviewerCalls).toEqual([]);
    const steps = () => sb.orchJson<{ runs: Array<{ workflow?: { steps: Step[] } | null; usage: { inputTokens: number } }> }>('show', 'a/E01').runs[0];
    expect(steps()?.workflow?.steps.map((s) => [s.name, s.status, s.tokens])).toEqual([
      ['code', 'done', 0],
      ['review', 'pending', 0],
    ]);
    const before = held.usage.inputTokens;
    // orch resume does not override the spent budget.
    expect((await sb.orchAsync('resume')).status).toBe(0);
    expect((await showTask(sb, 'a/E01')).runs[0]?.waitingReason).toBe(held.waitingReason);
    expect(reviewerCalls).toEqual([]);

    const raised = JSON.parse((await sb.orchAsync('budget', 'raise', 'task_tokens', '100000000', '--json')).stdout) as { resumed: string[] };
    expect(raised.resumed).toEqual(['a/E01']);
    await until(async () => (await showTask(sb, 'a/E01')).task.status === 'complete', 'a/E01 merged after the review', 120_000);
    // The review ran once, after the raise, with no second coder turn, and its tokens are on the run.
    expect(reviewerCalls).toHaveLength(1);
    const after = steps();
    expect(after?.workflow?.steps.map((s) => [s.name, s.status])).toEqual([
      ['code', 'done'],
      ['review', 'approved'],
    ]);
    expect(after?.workflow?.steps[1]?.tokens).toBeGreaterThanOrEqual(7070);
    expect((after?.usage.inputTokens ?? 0) - before).toBeGreaterThanOrEqual(7000);
    expect(sb.git('show', 'main:src/add.js').trim()).toBe('export const add = (a, b) => a + b;');
  });
});
