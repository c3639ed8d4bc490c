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

type Changes = Pick<SyncResult, 'added' | 'updated' | 'removed'>;
const UNSEEN_KEY = 'sync.unseen';

/**
 * Changes of syncs no person saw, kept in the store so a daemon that restarted (or exited idle) in between still
 * reports them. A task added then updated is added; added then removed is removed (it may have run meanwhile).
 */
export function createUnseenChanges(store: Pick<Store, 'meta'>) {
  const load = (): Changes => {
    try {
      const v = JSON.parse(store.meta.get(UNSEEN_KEY) ?? '') as Partial<Changes>;
      return { added: v.added ?? [], updated: v.updated ?? [], removed: v.removed ?? [] };
    } catch {
      return { added: [], updated: [], removed: [] };
    }
  };
  const merge = (a: Changes, b: Changes): Changes => {
    const removed = new Set([...a.removed, ...b.removed]);
    const added = new Set([...a.added, ...b.added]);
    // Back in the plan after an unseen removal: an update (it was there before), not news of a removal.
    for (const id of [...b.added, ...b.updated]) removed.delete(id);
    for (const id of b.removed) added.delete(id);
    const updated = [...new Set([...a.updated, ...b.updated])].filter((id) => !added.has(id) && !removed.has(id));
    return { added: [...added], updated, removed: [...removed] };
  };
  return {
    keep(c: Changes): void {
      if (c.added.length + c.updated.length + c.removed.length === 0) return;
      store.meta.set(UNSEEN_KEY, JSON.stringify(merge(load(), c)));
    },
    /** The result as a person reads it: this sync's changes and the unseen ones since the last. */
    take<T extends Changes>(fresh: T): T {
      const before = load();
      if (before.added.length + before.updated.length + before.removed.length === 0) return fresh;
      store.meta.set(UNSEEN_KEY, '');
      return { ...fresh, ...merge(before, fresh) };
    },
  };
}
