export { createBacklogSource, BACKLOG_ID, type BacklogSourceOptions } from './source.js';
export { parseTaskFile, type BacklogTask } from './task-file.js';
export { setTaskStatus, ORCH_ASSIGNEE } from './edit.js';
