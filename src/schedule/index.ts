export { cronProblem, loadSchedules, parseDuration, readScheduleText, type ScheduledBatch, type ScheduleProblem } from './file.js';
export { createBatchSchedule, DEFAULT_WINDOW_MIN, type BatchSchedule, type ScheduleEntry } from './service.js';
