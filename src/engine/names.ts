import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** Run ids sort by creation time and carry no secrets: `r<base36 ms><4 hex>`. */
export function newRunId(now = Date.now()): string {
  return `r${now.toString(36)}${randomBytes(2).toString('hex')}`;
}

export function newBatchId(now = Date.now()): string {
  return `b${now.toString(36)}${randomBytes(2).toString('hex')}`;
}

/** `billing/E05` -> `feat/billing-E05`; a taken name gets the run id appended so every run has its own branch. */
export function branchFor(taskId: string, runId: string, taken: (name: string) => boolean): string {
  const base = `feat/${taskId.replace('/', '-')}`;
  return taken(base) ? `${base}-${runId}` : base;
}

export function worktreeFor(worktreesDir: string, runId: string): string {
  return join(worktreesDir, runId);
}

/** Refs that keep a run's commits reachable after its branch is gone. */
export const savedRefFor = (runId: string): string => `refs/orch/saved/${runId}`;

export const runTrailer = 'Orch-Run';

/** Note `orch stop` leaves on a task: only a new `orch start` that covers it starts it again, not an older batch. */
export const STOPPED_NOTE = 'stopped by user';

/** Note on a task whose run was stopped because its epic left the plan; like a stop, it waits for an `orch start`. */
export const REMOVED_NOTE = `${STOPPED_NOTE}: its epic was removed from the plan`;
