import type { PlanSource, TaskProgress } from './types.js';

/**
 * Hands each task's progress to the source that owns it, in order per task, never blocking the caller. A source
 * that fails to record it is logged: the work itself is done (the next sync reconciles what a tracker shows).
 */
export function createProgressReporter(sources: readonly PlanSource[], log: (msg: string) => void) {
  const chains = new Map<string, Promise<void>>();
  const report = (p: TaskProgress): Promise<void> => {
    const source = sources.find((s) => s.owns(p.taskId));
    if (!source?.report) return Promise.resolve();
    const prev = chains.get(p.taskId) ?? Promise.resolve();
    const next = prev
      .then(() => source.report!(p))
      .catch((e: unknown) => log(`${source.label}: progress of ${p.taskId} (${p.status}) not recorded: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        if (chains.get(p.taskId) === next) chains.delete(p.taskId);
      });
    chains.set(p.taskId, next);
    return next;
  };
  return {
    report,
    /** Resolves when every report handed over so far has settled (daemon shutdown, tests). */
    async idle(): Promise<void> {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}

export type ProgressReporter = ReturnType<typeof createProgressReporter>;
