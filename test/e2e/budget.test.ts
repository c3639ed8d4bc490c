import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { startModel } from './model.js';
import { showTask } from './runs.js';

interface BudgetJson {
  day: string;
  lines: Array<{ key: string; scope: string; spent: number; limit: number; state: string; configured?: number }>;
  resumed?: string[];
}

describe('budgets with the real Claude Code on the simulated model', () => {
  let model: { url: string; close: () => void };
  let sb: Sandbox;
  beforeAll(async () => {
    model = await startModel();
  });
  afterAll(() => {
    sb?.cleanup();
    model.close();
  });

  it('pauses the running agent at the daily token limit, starts nothing new, and continues the same session after a raise', async () => {
    sb = sandbox(
      {
        // The agent's check command takes a while: the turn is still going when its tokens cross the line.
        'docs/plans/a-module/epic-01-slow.md': epic('Slow', 'Takes a while.\n\nVerify: `sleep 8`', { 'src/a.js': 'export const a = 1;' }),
        'docs/plans/b-module/epic-01-next.md': epic('Next', 'Waits for budget.', { 'src/b.js': 'export const b = 2;' }),
        '.orch/config.toml': 'max_parallel_agents = 1\n\n[budget]\ndaily_tokens = 1000\n',
      },
      { realClaude: true, env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CODE_MAX_RETRIES: '1' } },
    );
    sb.env.CLAUDE_CONFIG_DIR = join(sb.base, 'claude');
    const started = await sb.orchAsync('start', 'a/E01', 'b/E01');
    expect(started.status, started.stdout + started.stderr).toBe(0);
    const paused = await until(async () => {
      const r = (await showTask(sb, 'a/E01')).runs[0];
      return r?.state === 'waiting' && r.waitingReason?.startsWith('paused by budget') ? r : undefined;
    }, 'the agent paused by the budget');
    expect(paused.waitingReason).toMatch(/daily_tokens: the daily budget .* is spent: [\d,]+ tokens of 1,000 tokens, [\d,]+ tokens over .*orch budget raise daily_tokens/);
    expect(paused.sessionId).toBeTruthy();
    expect(paused.usage.inputTokens).toBeGreaterThan(1000);
    // Nothing new starts while the budget is spent.
    const b = await showTask(sb, 'b/E01');
    expect(b.runs).toHaveLength(0);
    const budget = JSON.parse((await sb.orchAsync('budget', '--json')).stdout) as BudgetJson;
    expect(budget.lines.find((l) => l.key === 'daily_tokens')).toMatchObject({ scope: 'day', limit: 1000, state: 'exceeded' });
    expect((await sb.orchAsync('budget')).stdout).toMatch(/daily_tokens .*exceeded/);
    // orch resume does not override a spent budget.
    await sb.orchAsync('resume');
    expect((await showTask(sb, 'a/E01')).runs[0]?.state).toBe('waiting');
    const bad = await sb.orchAsync('budget', 'raise', 'daily_tokens', 'lots');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/daily_tokens: got "lots", expected a positive number/);

    const raised = JSON.parse((await sb.orchAsync('budget', 'raise', 'daily_tokens', '100000000', '--json')).stdout) as BudgetJson;
    expect(raised.resumed).toEqual(['a/E01']);
    expect(raised.lines.find((l) => l.key === 'daily_tokens')).toMatchObject({ limit: 100000000, configured: 1000 });
    await until(async () => (await showTask(sb, 'b/E01')).task.status === 'complete', 'b/E01 merged after the raise', 120_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${JSON.stringify(await showTask(sb, 'a/E01'))}\n${JSON.stringify(await showTask(sb, 'b/E01'))}\n${(await sb.orchAsync('logs', 'a/E01')).stdout.slice(-3000)}`);
    });
    const a = await showTask(sb, 'a/E01');
    expect(a.task.status, JSON.stringify(a.runs.map((r) => ({ state: r.state, error: (r as { error?: unknown }).error, waitingReason: r.waitingReason })))).toBe('complete');
    expect(a.runs[0]?.sessionId).toBe(paused.sessionId);
    expect(sb.git('show', 'main:src/a.js').trim()).toBe('export const a = 1;');
  }, 240_000);
});
