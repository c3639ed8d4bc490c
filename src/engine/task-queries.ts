import type { Run, Task } from '../api/index.js';
import type { Config } from '../config/index.js';
import type { DependencySource } from '../plans/index.js';
import type { Store } from '../store/index.js';
import { normalizeTaskId, RequestError } from './scheduler.js';
import { toRunView, toTaskView } from './views.js';
import { createReadyOrder } from './ready-order.js';
import { workflowSpec } from './workflow/steps.js';

export interface TaskQueriesDeps {
  store: Store;
  /** The live run's task that holds a task back (G4), if any. */
  heldBy: (taskId: string) => string | undefined;
  /** Where each task's dependencies came from (implicit, frontmatter, prose), from the last sync. */
  depSources: () => ReadonlyMap<string, DependencySource[]>;
  /** `[workflow]`: the steps each task's runs go through (G5). */
  workflow: () => Config['workflow'];
}

/** The plan as readers see it (`orch list`, `next`, `show`), and the checks that name what a typo could have meant. */
export function createTaskQueries(d: TaskQueriesDeps) {
  const readyOrder = createReadyOrder();
  /** A task held back by a live run (G4) waits for that run's task too. */
  const withHolder = (v: Task): Task => {
    const by = d.heldBy(v.id);
    return by && !v.waitingFor.includes(by) ? { ...v, waitingFor: [...v.waitingFor, by] } : v;
  };
  /** An unknown module is bad input (exit 2), said with the modules there are. */
  const knownModule = (m: string): void => {
    const all = [...new Set(d.store.tasks.list().map((t) => t.module))].sort();
    if (!all.includes(m)) throw new RequestError('unknown_module', `unknown module "${m}"; modules in the plan: ${all.join(', ') || '(none: run orch sync)'}`, 404);
  };
  /** Unknown task ids are bad input, said with the ids there are (the first few). */
  const knownTasks = (ids: string[]): void => {
    const rows = d.store.tasks.list();
    const have = new Set(rows.map((t) => t.id));
    const bad = ids.filter((id) => !have.has(normalizeTaskId(id)));
    if (bad.length === 0) return;
    const sample = rows.filter((t) => t.removedAt === null).map((t) => t.id);
    throw new RequestError('unknown_task', `unknown task${bad.length > 1 ? 's' : ''} ${bad.map((b) => `"${b}"`).join(', ')}; tasks are ${sample.slice(0, 12).join(', ')}${sample.length > 12 ? `, ... (${sample.length} in all: orch list)` : sample.length === 0 ? '(none: run orch sync)' : ''}`, 404);
  };
  const taskViews = (): Task[] => {
    const rows = d.store.tasks.list();
    const byId = new Map(rows.map((t) => [t.id, t]));
    return rows.map((t) => withHolder(toTaskView(t, byId)));
  };

  return {
    knownModule,
    knownTasks,
    taskViews,
    list(filter: { status?: string; module?: string } = {}): Task[] {
      if (filter.module) knownModule(filter.module);
      const statuses = filter.status?.split(',').map((s) => s.trim()).filter(Boolean);
      return taskViews().filter(
        (t) => (!statuses?.length || statuses.includes(t.status) || (statuses.includes('ready') && t.ready)) && (!filter.module || t.module === filter.module),
      );
    },
    next(filter: { module?: string } = {}): Task[] {
      if (filter.module) knownModule(filter.module);
      const busy = new Set(d.store.runs.active().map((r) => r.taskId));
      // The order is total (it ends on the id), so the module's tasks in the whole order are the module's order.
      const { byId, ordered } = readyOrder(d.store.tasks.list(), busy);
      return ordered.filter((t) => !filter.module || t.module === filter.module).map((t) => withHolder(toTaskView(t, byId)));
    },
    task(id: string): { task: Task; runs: Run[] } {
      const norm = normalizeTaskId(id);
      const rows = d.store.tasks.list();
      const byId = new Map(rows.map((t) => [t.id, t]));
      const t = byId.get(norm);
      if (!t) throw new RequestError('unknown_task', `unknown task "${id}"; run \`orch list\` to see task ids`, 404);
      const spec = workflowSpec(t, d.workflow());
      return { task: { ...withHolder(toTaskView(t, byId)), workflow: spec, dependencySources: d.depSources().get(norm) ?? [] }, runs: d.store.runs.forTask(norm).map((r) => toRunView(r, spec)) };
    },
  };
}
