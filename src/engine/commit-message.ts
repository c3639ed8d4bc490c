import type { TaskRow } from '../store/index.js';
import { maintenanceCommitMessage } from './maintenance.js';

/**
 * How a commit names its task where the template writes `E{epic}`: `E03` for an epic of the markdown plan; for work
 * from elsewhere, its own reference (`#12` for GitHub issue gh/12, `bd-a3f8.1` for Beads, `task-7` for Backlog.md,
 * `2026-01-12/t1` for a daily task), since there is no epic E03 to speak of.
 */
export function taskReference(task: Pick<TaskRow, 'id' | 'module' | 'epic'>): string {
  const epic = `E${String(task.epic).padStart(2, '0')}`;
  if (task.id === `${task.module}/${epic}`) return epic;
  const local = task.id.startsWith(`${task.module}/`) ? task.id.slice(task.module.length + 1) : task.id;
  return /^\d+$/.test(local) ? `#${local}` : local;
}

/** `feat(<module>): implement E<NN> - <title>` from `commit_template`; maintenance work has its own type and scope. */
export function commitMessage(template: string, task: TaskRow): string {
  if (task.source === 'maintenance') return maintenanceCommitMessage(task);
  const epic = String(task.epic).padStart(2, '0');
  return template
    .replaceAll('E{epic}', taskReference(task))
    .replaceAll('{module}', task.module)
    .replaceAll('{epic}', epic)
    .replaceAll('{title}', task.title)
    .replaceAll('{id}', task.id);
}
