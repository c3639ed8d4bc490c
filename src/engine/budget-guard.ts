import { BUDGET_KEYS, budgetValueProblem, createBudget, describeLine, type BudgetKey, type BudgetLine } from '../budget/index.js';
import type { Config } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { Emit } from './emit.js';
import type { Runner } from './runner.js';
import { RequestError } from './scheduler.js';

export const BUDGET_PAUSE = 'paused by budget';
/** A run held before a reviewer's or tester's turn: a raise runs that step, not another coder turn. */
const STEP_HOLD = /^paused by budget before the (?:review|test) step/;
export const heldAtStep = (reason: string | null): boolean => STEP_HOLD.test(reason ?? '');
/** `paused by budget before the review step: <budget line>`. */
export const stepHoldReason = (held: string, step: string): string => held.replace(BUDGET_PAUSE, `${BUDGET_PAUSE} before the ${step} step`);

/**
 * Budgets enforced on the engine (O3): usage that crosses a limit pauses the agents in its scope (partial work
 * committed, sessions kept) and keeps new runs from starting; a raise resumes what it paused.
 */
export function createBudgetGuard(d: { store: Store; config: () => Config; now: () => Date; emit: Emit; runner: () => Runner; log: (msg: string) => void; scheduleSoon: () => void; resumePrompt: (taskId: string) => string; fault?: (point: string) => void }) {
  const budget = createBudget({ store: d.store, config: () => d.config().budget, timezone: d.config().timezone, now: d.now, emit: d.emit, ...(d.fault ? { fault: d.fault } : {}) });
  const pending = new Set<string>();
  const pausing = new Set<string>();
  // A batch's own budget (a daily file's max_cost_usd, a schedule's budget_usd) counts with no [budget] at all.
  const anyLimit = (): boolean => BUDGET_KEYS.some((k) => budget.limitOf(k) > 0) || d.store.batches.active().some((b) => (b.budgetUsd ?? 0) > 0);

  function pauseCovered(lines: BudgetLine[]): void {
    for (const r of d.store.runs.active()) {
      const hit = lines.find((l) => budget.covers(l, r));
      if (!hit || pausing.has(r.id)) continue;
      pausing.add(r.id);
      const note = `${BUDGET_PAUSE}: ${describeLine(hit)}`;
      void d
        .runner()
        .cancel(r.id, 'pause', note)
        .then((had) => {
          if (had) d.runner().note(r.id, `agent paused: ${hit.key} reached`);
        })
        .finally(() => pausing.delete(r.id));
    }
  }

  return {
    budget,
    /** After a run's usage moved: checked once per tick per run (live usage arrives often). */
    usageMoved(runId: string): void {
      if (!anyLimit() || pending.has(runId)) return;
      pending.add(runId);
      setImmediate(() => {
        pending.delete(runId);
        const run = d.store.runs.get(runId);
        if (!run) return;
        try {
          const over = budget.check(run);
          if (over.length > 0) pauseCovered(over);
        } catch (e) {
          d.log(`budget check of ${runId} failed: ${(e as Error).message}`);
        }
      });
    },
    /** The reason a new run may not start, or undefined. */
    blocks(taskId: string, batchId: string | null): string | undefined {
      if (!anyLimit()) return undefined;
      const hit = budget.blocks(taskId, batchId ? d.store.batches.get(batchId) : undefined);
      return hit ? `held by budget: ${describeLine(hit)}` : undefined;
    },
    /** Why this run may not start another agent turn (`paused by budget: ...`), or undefined. */
    holdsTurn(run: { taskId: string; batchId: string | null }): string | undefined {
      if (!anyLimit()) return undefined;
      const hit = budget.blocks(run.taskId, run.batchId ? d.store.batches.get(run.batchId) : undefined);
      return hit ? `${BUDGET_PAUSE}: ${describeLine(hit)}` : undefined;
    },
    /** `orch budget raise KEY VALUE`: the new limit, then whatever it no longer holds back continues. */
    raise(key: string, value: string): { resumed: string[] } {
      const problem = budgetValueProblem(key, value);
      if (problem) throw new RequestError('bad_budget', problem);
      budget.raise(key as BudgetKey, Number(value));
      const resumed: string[] = [];
      for (const r of d.store.runs.active()) {
        if (r.state !== 'waiting' || !r.waitingReason?.startsWith(BUDGET_PAUSE)) continue;
        if (this.blocks(r.taskId, r.batchId)) continue;
        // A turn held before it started keeps its prompt (the failing checks to fix); a paused one is told to go on;
        // one held before a reviewer's or tester's turn runs that step.
        if (d.runner().resumeStep(r.id) || d.runner().wake(r.id, 'guidance', r.nextPrompt ?? d.resumePrompt(r.taskId))) resumed.push(r.taskId);
      }
      d.scheduleSoon();
      return { resumed };
    },
  };
}

export type BudgetGuard = ReturnType<typeof createBudgetGuard>;
