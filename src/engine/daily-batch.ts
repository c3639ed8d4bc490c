import { dailyPlanTasks, readDailyFile } from '../sources/daily.js';
import type { Store } from '../store/index.js';
import { RequestError } from './scheduler.js';

/** `orch start tasks/DATE.yaml` (P4): the file's tasks into the store, then one batch with its budget. */
export function loadDaily(store: Store, root: string, path: string): { tasks: string[]; name: string; budgetUsd?: number; daily: undefined } {
  const { daily, issues } = readDailyFile(root, path);
  const errors = issues.filter((i) => i.severity === 'error');
  if (!daily || errors.length > 0) {
    throw new RequestError('bad_daily_file', `${errors.map((i) => `${i.file}:${i.line}: ${i.message}. Fix: ${i.fix}`).join('\n')}\nNothing was started.`, 400);
  }
  const tasks = dailyPlanTasks(daily);
  if (!store.tasks.putDaily(tasks)) throw new RequestError('id_taken', `a task id of ${daily.file} is already a task of the plan; give the tasks other ids`, 409);
  for (const t of tasks) if (store.tasks.get(t.id)?.status === 'failed') store.tasks.setStatus(t.id, 'not_started', 'daily file started again');
  return { tasks: tasks.map((t) => t.id), name: `daily ${daily.date}`, ...(daily.maxCostUsd !== undefined ? { budgetUsd: daily.maxCostUsd } : {}), daily: undefined };
}
