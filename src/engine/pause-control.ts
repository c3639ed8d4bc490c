import type { Store } from '../store/index.js';
import { BUDGET_PAUSE } from './budget-guard.js';
import type { Emit } from './emit.js';
import type { Runner } from './runner.js';
import { normalizeTaskId, RequestError, type Scheduler } from './scheduler.js';

export interface PauseControlDeps {
  store: Store;
  scheduler: Pick<Scheduler, 'setPaused'>;
  runner: Pick<Runner, 'cancel' | 'wake' | 'resumeStep'>;
  emit: Emit;
  /** Throws for ids that are no task (bad input). */
  knownTasks: (ids: string[]) => void;
  /** A budget still holds this task's run. */
  budgetBlocks: (taskId: string, batchId: string | null) => string | undefined;
  scheduleSoon: () => void;
}

/** `orch pause` / `orch resume`: all work (kept across restarts in the store) or single tasks' runs. */
export function createPauseControl(d: PauseControlDeps) {
  return {
    /** Pauses all work (no new starts, agents stopped gracefully) or the named tasks' runs. */
    async pause(taskIds: string[]): Promise<{ paused: string[]; notRunning: string[] }> {
      d.knownTasks(taskIds);
      const ids = new Set(taskIds.map(normalizeTaskId));
      if (ids.size === 0) {
        d.scheduler.setPaused(true);
        d.store.meta.set('paused', '1');
      }
      const paused: string[] = [];
      for (const r of d.store.runs.active()) {
        if (ids.size > 0 && !ids.has(r.taskId)) continue;
        if (await d.runner.cancel(r.id, 'pause')) paused.push(r.taskId);
      }
      d.emit('run.waiting', null, null, { paused, all: ids.size === 0 });
      return { paused, notRunning: [...ids].filter((id) => !paused.includes(id)) };
    },
    /** Resumes everything paused (and new starts), or one task's waiting run, optionally with guidance. */
    resumeAll(): { resumed: string[] } {
      d.scheduler.setPaused(false);
      d.store.meta.set('paused', '0');
      const resumed: string[] = [];
      for (const r of d.store.runs.active()) {
        if (r.state === 'waiting' && r.waitingReason?.startsWith(BUDGET_PAUSE) && d.budgetBlocks(r.taskId, r.batchId)) continue;
        if (r.state === 'waiting' && r.waitingReason?.startsWith('paused') && (d.runner.resumeStep(r.id) || d.runner.wake(r.id, 'guidance', r.nextPrompt ?? 'You were paused. Continue the task where you left off.'))) resumed.push(r.taskId);
      }
      d.scheduleSoon();
      return { resumed };
    },
    /** Resumes a waiting run (stuck, paused, or after a question) with guidance for its agent, in the same session. */
    resume(taskId: string, guidance: string | undefined): { runId: string } {
      const id = normalizeTaskId(taskId);
      const run = d.store.runs.forTask(id).find((r) => r.state === 'waiting');
      if (!run) throw new RequestError('not_waiting', `${id} has no run waiting for guidance; \`orch status\` shows what waits`, 409);
      // Held before a reviewer's or tester's turn: without guidance for the coder, that step runs.
      if (guidance !== undefined || !d.runner.resumeStep(run.id)) d.runner.wake(run.id, 'guidance', guidance ?? 'Continue the task where you left off.');
      return { runId: run.id };
    },
  };
}
