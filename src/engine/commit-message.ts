import type { TaskRow } from '../store/index.js';
import { maintenanceCommitMessage } from './maintenance.js';

/** The squash commit message (and PR title) of a task, from `commit_template`. */
export function commitMessage(template: string, task: TaskRow): string {
  if (task.source === 'maintenance') return maintenanceCommitMessage(task);
  const epic = String(task.epic).padStart(2, '0');
  return template.replaceAll('{module}', task.module).replaceAll('{epic}', epic).replaceAll('{title}', task.title).replaceAll('{id}', task.id);
}
