import type { TaskRow } from '../store/index.js';
import { maintenanceCommitMessage } from './maintenance.js';

/** `feat(<module>): implement E<NN> - <title>` from `commit_template`; maintenance work has its own type and scope. */
export function commitMessage(template: string, task: TaskRow): string {
  if (task.source === 'maintenance') return maintenanceCommitMessage(task);
  const epic = String(task.epic).padStart(2, '0');
  return template.replaceAll('{module}', task.module).replaceAll('{epic}', epic).replaceAll('{title}', task.title).replaceAll('{id}', task.id);
}
