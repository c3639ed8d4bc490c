export { createAnswerInbox, type AnswerInbox, type AnswerInboxDeps } from './answer-files.js';
