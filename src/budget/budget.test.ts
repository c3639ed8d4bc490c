import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/index.js';
import { createStore } from '../store/index.js';
import { budgetValueProblem, createBudget } from './budget.js';

/** A real store, a fake clock, and runs created at fake instants with the usage given. */
function setup(budget: Partial<ReturnType<typeof defaultConfig>['budget']>, timezone = 'Europe/Berlin') {
  const store = createStore(join(mkdtempSync(join(tmpdir(), 'orch-budget-')), 'orch.db'));
  store.tasks.putMaintenance({ id: 'm/E01', title: 't', description: '', body: '', module: 'm', touches: [] });
  store.tasks.putMaintenance({ id: 'm/E02', title: 't', description: '', body: '', module: 'm', touches: [] });
  const batch = store.batches.create('b1', { tasks: [] }, null, { budgetUsd: 5 });
  let clock = new Date('2026-12-03T10:00:00Z');
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  const b = createBudget({ store, config: { ...defaultConfig().budget, ...budget }, timezone, now: () => clock, emit: (type, _t, _r, data) => events.push({ type, data }) });
  let n = 0;
  const run = (taskId: string, at: string, usd: number, tokens: number, batchId: string | null = batch.id) => {
    const id = `r${++n}`;
    store.runs.create({ id, taskId, batchId, attempt: 1, branch: id, worktree: id, targetBranch: 'main', backend: 'claude', model: null });
    store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(at, id);
    return store.runs.update(id, { costUsd: usd, inputTokens: tokens });
  };
  return { store, b, events, run, setClock: (iso: string) => (clock = new Date(iso)) };
}

describe('budgets', () => {
  it('warns once at 75%, is exceeded at the limit with the overshoot, and counts the day in the project time zone', () => {
    const s = setup({ daily_usd: 10 });
    s.run('m/E01', '2026-12-03T08:00:00Z', 6, 100, null);
    expect(s.b.check(s.run('m/E01', '2026-12-03T09:00:00Z', 1.6, 100, null))).toEqual([]);
    expect(s.events.map((e) => e.type)).toEqual(['budget.warning']);
    s.b.check(s.store.runs.get('r2')!);
    expect(s.events).toHaveLength(1);
    const r3 = s.run('m/E02', '2026-12-03T09:30:00Z', 2.9, 100, null);
    const over = s.b.check(r3);
    expect(over.map((l) => [l.key, l.id, l.spent])).toEqual([['daily_usd', '2026-12-03', 10.5]]);
    expect(s.events.at(-1)).toMatchObject({ type: 'budget.exceeded', data: { key: 'daily_usd', spent: 10.5, limit: 10, overshoot: 0.5 } });
    expect(String(s.events.at(-1)?.data.message)).toMatch(/orch budget raise daily_usd/);
    expect(s.b.blocks('m/E02', undefined)?.key).toBe('daily_usd');
    // 23:30 UTC is already the next day in Berlin: a new daily budget.
    s.setClock('2026-12-03T23:30:00Z');
    expect(s.b.blocks('m/E02', undefined)).toBeUndefined();
    expect(s.b.status().day).toBe('2026-12-04');
  });

  it("a batch's own budget (daily file max_cost_usd) and task budgets in tokens", () => {
    const s = setup({ task_tokens: 1000 });
    s.run('m/E01', '2026-12-03T08:00:00Z', 4, 900);
    expect(s.b.blocks('m/E02', s.store.batches.get('b1'))).toBeUndefined();
    s.run('m/E02', '2026-12-03T08:00:00Z', 1.2, 10);
    expect(s.b.blocks('m/E02', s.store.batches.get('b1'))?.key).toBe('batch_usd');
    const r = s.run('m/E01', '2026-12-03T08:30:00Z', 0, 200, null);
    expect(s.b.check(r).map((l) => l.key)).toEqual(['task_tokens']);
  });

  it('a raise lifts the limit, is shown against the configured one, and warns again at the new level', () => {
    const s = setup({ daily_tokens: 1000 });
    s.b.check(s.run('m/E01', '2026-12-03T08:00:00Z', 0, 1200, null));
    expect(s.events.map((e) => e.type)).toEqual(['budget.exceeded']);
    s.b.raise('daily_tokens', 1500);
    const line = s.b.status().lines.find((l) => l.key === 'daily_tokens');
    expect(line).toMatchObject({ limit: 1500, configured: 1000, state: 'warning' });
    s.b.check(s.store.runs.get('r1')!);
    expect(s.events.map((e) => e.type)).toEqual(['budget.exceeded', 'budget.warning']);
  });

  it('runs with tokens and no cost are counted as unknown price, not as free', () => {
    const s = setup({ daily_usd: 10 });
    s.run('m/E01', '2026-12-03T08:00:00Z', 0, 5000, null);
    expect(s.b.status().lines.find((l) => l.key === 'daily_usd')).toMatchObject({ spent: 0, unpriced: 1 });
  });

  it('refuses bad budget values with what to write', () => {
    expect(budgetValueProblem('daily_usd', '-3')).toMatch(/expected a positive number, e.g. orch budget raise daily_usd 80/);
    expect(budgetValueProblem('daily_usd', 'lots')).toMatch(/got "lots"/);
    expect(budgetValueProblem('daily_tokens', '1.5')).toMatch(/whole number/);
    expect(budgetValueProblem('weekly_usd', '5')).toMatch(/budgets are task_usd, task_tokens, batch_usd, daily_usd, daily_tokens/);
    expect(budgetValueProblem('task_usd', '2.5')).toBeUndefined();
  });
});
