import { plural } from '../api/index.js';
import type { Batch, EventData } from '../api/index.js';
import type { Config } from '../config/index.js';
import type { RunRow, Spend, Store } from '../store/index.js';
import { dayKey, endOfDay, startOfDay } from './day.js';

export const BUDGET_KEYS = ['task_usd', 'task_tokens', 'batch_usd', 'daily_usd', 'daily_tokens'] as const;
export type BudgetKey = (typeof BUDGET_KEYS)[number];
export type BudgetScope = 'task' | 'batch' | 'day';

/** One budget against what its scope spent. `limit` 0 means none is set. */
export interface BudgetLine {
  key: BudgetKey;
  scope: BudgetScope;
  /** The task id, batch id or day (`YYYY-MM-DD`) the budget is counted for. */
  id: string;
  unit: 'usd' | 'tokens';
  spent: number;
  limit: number;
  state: 'ok' | 'warning' | 'exceeded';
  /** Runs whose model has no known price: their tokens count, their money is unknown. */
  unpriced: number;
  /** What the configuration says, when `orch budget raise` changed the limit. */
  configured?: number;
}

export const WARN_AT = 0.75;

const unitOf = (key: BudgetKey): 'usd' | 'tokens' => (key.endsWith('_usd') ? 'usd' : 'tokens');
const scopeOf = (key: BudgetKey): BudgetScope => (key.startsWith('task') ? 'task' : key.startsWith('batch') ? 'batch' : 'day');

export const formatAmount = (unit: 'usd' | 'tokens', n: number): string => (unit === 'usd' ? `$${n.toFixed(2)}` : `${Math.round(n).toLocaleString('en-US')} tokens`);

/** What to tell a person about a budget line, with the command that continues. */
export function describeLine(l: BudgetLine): string {
  const spent = formatAmount(l.unit, l.spent);
  const limit = formatAmount(l.unit, l.limit);
  const price = l.unit === 'usd' && l.unpriced > 0 ? ` (+ ${plural(l.unpriced, 'run')} at unknown price)` : '';
  const what = l.scope === 'day' ? `the daily budget (${l.id})` : `the ${l.scope} budget of ${l.id}`;
  if (l.state === 'exceeded') {
    const over = l.spent - l.limit;
    return `${l.key}: ${what} is spent: ${spent} of ${limit}${price}${over > 0 ? `, ${formatAmount(l.unit, over)} over (the turn that crossed the line)` : ''}. No new run starts and running agents are paused; continue with \`orch budget raise ${l.key} <more>\`, or end with \`orch stop\``;
  }
  return `${l.key}: ${Math.floor((l.spent / l.limit) * 100)}% of ${what} used: ${spent} of ${limit}${price}`;
}

export interface BudgetDeps {
  store: Store;
  /** `[budget]` as the daemon runs with it now (a config reload changes it). */
  config: Config['budget'] | (() => Config['budget']);
  timezone: string;
  now: () => Date;
  emit: <T extends 'budget.warning' | 'budget.exceeded'>(type: T, taskId: string | null, runId: string | null, data: EventData<T>) => void;
  /** Fault injection for the chaos tests: called once an event is recorded (`budget.warning`, `budget.exceeded`). */
  fault?: (point: string) => void;
}

/** Why a budget value given on the command line is refused, or undefined. */
export function budgetValueProblem(key: string, value: string): string | undefined {
  if (!(BUDGET_KEYS as readonly string[]).includes(key)) return `unknown budget "${key}"; budgets are ${BUDGET_KEYS.join(', ')}`;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) return `${key}: got "${value}", expected a positive number, e.g. orch budget raise ${key} ${key.endsWith('_usd') ? '80' : '2000000'}`;
  if (key.endsWith('_tokens') && !Number.isInteger(n)) return `${key}: got "${value}", expected a whole number of tokens`;
  return undefined;
}

/**
 * Budgets (O3): per task, per batch and per day, in money and tokens, counted from the runs' live metering. Limits
 * come from `[budget]`, a batch's own budget, or `orch budget raise` (kept in the store). Warnings and the exceeded
 * event fire once per budget, scope and limit, also across restarts.
 */
export function createBudget(d: BudgetDeps) {
  const overrideKey = (key: BudgetKey): string => `budget.limit.${key}`;
  const cfg = (): Config['budget'] => (typeof d.config === 'function' ? d.config() : d.config);
  const limitOf = (key: BudgetKey): number => {
    const raised = d.store.meta.get(overrideKey(key));
    return raised !== undefined ? Number(raised) : cfg()[key];
  };
  const today = (): { key: string; from: string; to: string } => {
    const key = dayKey(d.now(), d.timezone);
    return { key, from: startOfDay(key, d.timezone).toISOString(), to: endOfDay(key, d.timezone).toISOString() };
  };

  function line(key: BudgetKey, id: string, spend: Spend, limit: number): BudgetLine {
    const unit = unitOf(key);
    const spent = unit === 'usd' ? spend.usd : spend.tokens;
    const state = limit > 0 && spent >= limit ? 'exceeded' : limit > 0 && spent >= limit * WARN_AT ? 'warning' : 'ok';
    const raised = d.store.meta.get(overrideKey(key));
    return { key, scope: scopeOf(key), id, unit, spent, limit, state, unpriced: spend.unpriced, ...(raised !== undefined ? { configured: cfg()[key] } : {}) };
  }

  const batchLimit = (b: Batch): number => (b.budgetUsd !== null && !d.store.meta.get(overrideKey('batch_usd')) ? b.budgetUsd : limitOf('batch_usd'));

  function dayLines(): BudgetLine[] {
    const t = today();
    const spend = d.store.runs.spend({ from: t.from, to: t.to });
    return [line('daily_usd', t.key, spend, limitOf('daily_usd')), line('daily_tokens', t.key, spend, limitOf('daily_tokens'))];
  }
  const batchLines = (b: Batch): BudgetLine[] => [line('batch_usd', b.id, d.store.runs.spend({ batchId: b.id }), batchLimit(b))];
  function taskLines(taskId: string): BudgetLine[] {
    const spend = d.store.runs.spend({ taskId });
    return [line('task_usd', taskId, spend, limitOf('task_usd')), line('task_tokens', taskId, spend, limitOf('task_tokens'))];
  }

  /** Fires budget.warning / budget.exceeded once per budget, scope and limit. */
  function fire(l: BudgetLine): void {
    if (l.state === 'ok') return;
    const mark = `budget.fired.${l.state}.${l.key}.${l.id}.${l.limit}`;
    if (d.store.meta.get(mark)) return;
    const data = { key: l.key, scope: l.scope, id: l.id, unit: l.unit, spent: l.spent, limit: l.limit, unpriced: l.unpriced, message: describeLine(l) };
    const taskId = l.scope === 'task' ? l.id : null;
    // The mark and the event in one transaction: a daemon killed between them would neither say it nor say it again.
    d.store.db.transaction(() => {
      d.store.meta.set(mark, d.now().toISOString());
      if (l.state === 'warning') d.emit('budget.warning', taskId, null, data);
      else d.emit('budget.exceeded', taskId, null, { ...data, overshoot: Math.max(0, l.spent - l.limit) });
    })();
    d.fault?.(`budget.${l.state}`);
  }

  return {
    limitOf,
    /** Every budget that applies now: today's, each active batch's, and each task with a live run's. */
    status(): { timezone: string; day: string; lines: BudgetLine[] } {
      const lines = dayLines();
      for (const b of d.store.batches.active()) lines.push(...batchLines(b));
      const tasks = new Set(d.store.runs.active().map((r) => r.taskId));
      for (const t of tasks) lines.push(...taskLines(t));
      return { timezone: d.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone, day: today().key, lines };
    },
    /** After usage moved: the budgets of this run (its task, batch, today) checked, events fired; the exceeded ones. */
    check(run: RunRow): BudgetLine[] {
      const batch = run.batchId ? d.store.batches.get(run.batchId) : undefined;
      const lines = [...dayLines(), ...(batch ? batchLines(batch) : []), ...taskLines(run.taskId)].filter((l) => l.limit > 0);
      for (const l of lines) fire(l);
      return lines.filter((l) => l.state === 'exceeded');
    },
    /** Why a new run of `taskId` in `batch` may not start, or undefined. */
    blocks(taskId: string, batch: Batch | undefined): BudgetLine | undefined {
      const lines = [...dayLines(), ...(batch ? batchLines(batch) : []), ...taskLines(taskId)];
      const hit = lines.find((l) => l.state === 'exceeded');
      if (hit) fire(hit);
      return hit;
    },
    /** `orch budget raise KEY VALUE`: the new limit, kept in the store. */
    raise(key: BudgetKey, value: number): void {
      d.store.meta.set(overrideKey(key), String(value));
    },
    /** Whether a run is inside the scope of an exceeded budget line. */
    covers(l: BudgetLine, run: RunRow): boolean {
      return l.scope === 'day' || (l.scope === 'batch' ? run.batchId === l.id : run.taskId === l.id);
    },
  };
}

export type Budget = ReturnType<typeof createBudget>;
