import type { RunRow, Store } from '../store/index.js';
import { isDiskFull } from '../store/index.js';

type StepResult = 'continue' | 'wait' | 'stop';

export interface DriverDeps {
  store: Store;
  step: (run: RunRow) => Promise<StepResult>;
  fail: (run: RunRow, error: string) => Promise<StepResult>;
  /** Repairs what a crash can leave in git (stale locks, half-made worktrees) before a step is retried. */
  repair: () => Promise<void>;
  log: (runId: string, line: string) => void;
}

/**
 * Drives each run through its steps, one driver per run. A step that throws is retried (after a repair) up to three
 * times, then the run fails with the step's error. A full disk is different: nothing was half-written (SQLite rolled
 * back) and it is not the run's fault, so the driver only stops; the scheduler's tick drives the run again from
 * its recorded state once there is space.
 */
export function createDriver(d: DriverDeps) {
  const driving = new Map<string, Promise<void>>();
  const stepErrors = new Map<string, number>();
  const diskFull = new Set<string>();

  async function loop(runId: string): Promise<void> {
    for (;;) {
      const run = d.store.runs.get(runId);
      if (!run) return;
      let res: StepResult;
      try {
        res = await d.step(run);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (isDiskFull(err)) {
          if (!diskFull.has(runId)) d.log(runId, `step ${run.state} waits for disk space: ${msg}`);
          diskFull.add(runId);
          return;
        }
        diskFull.delete(runId);
        const tries = (stepErrors.get(runId) ?? 0) + 1;
        stepErrors.set(runId, tries);
        d.log(runId, `step ${run.state} failed (try ${tries} of 3): ${msg}`);
        if (tries < 3) {
          // Steps are idempotent: repair what a crash can leave in git (stale locks, half-made worktrees), retry.
          await d.repair().catch(() => undefined);
          await new Promise((r) => setTimeout(r, 500 * tries));
          continue;
        }
        res = await d.fail(run, `${run.state}: ${msg}`).catch(() => 'stop' as const);
      }
      stepErrors.delete(runId);
      diskFull.delete(runId);
      if (res !== 'continue') return;
    }
  }

  return {
    /** Drives a run unless it is already being driven. */
    drive(runId: string): Promise<void> {
      const current = driving.get(runId);
      if (current) return current;
      const p = loop(runId).finally(() => driving.delete(runId));
      driving.set(runId, p);
      return p;
    },
    isDriving: (runId: string): boolean => driving.has(runId),
    settle: async (): Promise<void> => void (await Promise.allSettled([...driving.values()])),
  };
}
