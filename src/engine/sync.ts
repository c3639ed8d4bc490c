import { parsePlan, type DependencySource, type ModuleInfo } from '../plans/index.js';
import type { SyncResult } from '../api/index.js';
import type { Store } from '../store/index.js';

/**
 * Reads the plan and replaces the store's view of it in one transaction. An invalid plan stores nothing: the
 * result lists every problem with file, line and fix.
 */
export async function syncPlan(store: Store, root: string, plansDir: string): Promise<{ result: SyncResult; modules?: ModuleInfo[]; sources?: Map<string, DependencySource[]> }> {
  const started = performance.now();
  const plan = await parsePlan(root, { plansDir });
  const issues = plan.issues.map((i) => ({ ...i }));
  const hasErrors = plan.issues.some((i) => i.severity === 'error');
  if (hasErrors) {
    return {
      result: {
        ok: false,
        tasks: plan.tasks.length,
        modules: plan.modules.length,
        added: [],
        updated: [],
        removed: [],
        issues,
        durationMs: Math.round(performance.now() - started),
      },
    };
  }
  const activeTasks = new Set(store.runs.active().map((r) => r.taskId));
  const out = store.tasks.sync(plan.tasks, (id) => activeTasks.has(id));
  return {
    result: {
      ok: true,
      tasks: plan.tasks.length,
      modules: plan.modules.length,
      ...out,
      issues,
      durationMs: Math.round(performance.now() - started),
    },
    modules: plan.modules,
    sources: new Map(plan.tasks.map((t) => [t.id, t.dependencySources])),
  };
}
