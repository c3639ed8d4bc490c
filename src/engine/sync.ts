import type { DependencySource, ModuleInfo } from '../plans/index.js';
import { readSources, type PlanSource } from '../sources/index.js';
import type { SyncResult } from '../api/index.js';
import type { Store } from '../store/index.js';

/**
 * Reads every plan source and replaces the store's view of them in one transaction. An invalid plan (in any
 * source) stores nothing: the result lists every problem with file, line and fix.
 */
export async function syncSources(store: Store, sources: readonly PlanSource[]): Promise<{ result: SyncResult; modules?: ModuleInfo[]; depSources?: Map<string, DependencySource[]> }> {
  const started = performance.now();
  const plan = await readSources(sources);
  const issues = plan.issues.map((i) => ({ ...i }));
  const hasErrors = plan.issues.some((i) => i.severity === 'error');
  const moduleCount = new Set([...plan.modules.map((m) => m.name), ...plan.tasks.map((t) => t.module)]).size;
  if (hasErrors) {
    return {
      result: {
        ok: false,
        tasks: plan.tasks.length,
        modules: moduleCount,
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
      modules: moduleCount,
      ...out,
      issues,
      durationMs: Math.round(performance.now() - started),
    },
    modules: plan.modules,
    depSources: new Map(plan.tasks.map((t) => [t.id, t.dependencySources])),
  };
}
