export { createAnswerInbox, type AnswerInbox, type AnswerInboxDeps } from './answer-files.js';
export { overdueReasonPrefix, parkOverdueQuestions, questionTimeoutMinutes, type OverdueDeps, type WaitingRun } from './overdue.js';
