import type { PlanDiff, PlanDiffTask } from '../api/index.js';
import type { PlanTask } from '../plans/index.js';

const FIELDS = ['title', 'body', 'priority', 'dependsOn', 'touches', 'needsReview', 'file'] as const;

/** What `after` changes in the plan against `before`: epics added, changed (which fields) and removed, by id. */
export function diffPlans(before: readonly PlanTask[], after: readonly PlanTask[]): Pick<PlanDiff, 'added' | 'changed' | 'removed'> {
  const old = new Map(before.map((t) => [t.id, t]));
  const now = new Map(after.map((t) => [t.id, t]));
  const view = (t: PlanTask, extra: Partial<PlanDiffTask> = {}): PlanDiffTask => ({ id: t.id, title: t.title, file: t.file, dependsOn: t.dependsOn, ...extra });
  const byId = (a: PlanDiffTask, b: PlanDiffTask) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const added = after.filter((t) => !old.has(t.id)).map((t) => view(t));
  const removed = before.filter((t) => !now.has(t.id)).map((t) => view(t));
  const changed: PlanDiffTask[] = [];
  for (const t of after) {
    const prev = old.get(t.id);
    if (!prev) continue;
    const fields = FIELDS.filter((f) => JSON.stringify(prev[f]) !== JSON.stringify(t[f]));
    if (fields.length > 0) changed.push(view(t, { fields: [...fields] }));
  }
  return { added: added.sort(byId), changed: changed.sort(byId), removed: removed.sort(byId) };
}
