import { dispatchOrder } from '../graph/index.js';
import type { TaskRow } from '../store/index.js';
import { graphStatus, isReady } from './views.js';

export interface ReadyOrder {
  byId: Map<string, TaskRow>;
  /** Ids of the ready tasks not being worked on. */
  ready: ReadonlySet<string>;
  /** Those tasks, best first (dispatchOrder). */
  ordered: readonly TaskRow[];
}

/**
 * The ready tasks not being worked on, in dispatch order, kept until the task rows or the busy set change.
 * PERF: ordering counts what each task unblocks over the whole graph: 20,000 epics took 400-700 ms a pass, and the
 * scheduler passes every 2 s (issue 12: a pass under 10 ms). The store hands out the same array of rows until a
 * write, so the same array means the same statuses and dependencies.
 */
export function createReadyOrder(): (tasks: readonly TaskRow[], busy: ReadonlySet<string>) => ReadyOrder {
  let rows: { tasks: readonly TaskRow[]; byId: Map<string, TaskRow> } | undefined;
  let last: { tasks: readonly TaskRow[]; busy: string; order: ReadyOrder } | undefined;
  return (tasks, busy) => {
    if (rows?.tasks !== tasks) rows = { tasks, byId: new Map(tasks.map((t) => [t.id, t])) };
    const byId = rows.byId;
    const busyKey = [...busy].sort().join('\n');
    if (last?.tasks === tasks && last.busy === busyKey) return last.order;
    const ready = tasks.filter((t) => isReady(t, byId) && !busy.has(t.id));
    const ordered = dispatchOrder(ready, tasks, (id: string) => graphStatus(byId.get(id)?.status));
    last = { tasks, busy: busyKey, order: { byId, ready: new Set(ready.map((t) => t.id)), ordered } };
    return last.order;
  };
}
