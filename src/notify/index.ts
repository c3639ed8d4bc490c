export { createNotifier, type Notifier, type NotifierDeps } from './notifier.js';
export { noticeOf, digestOf, type Notice } from './notice.js';
export { notifyStateFile, readNotifyState, type NotifyState } from './health.js';
export { readSecret, secretsFileValues } from './secrets.js';
export { signature, webhookBody, createChannels, type Channel } from './channels/index.js';
export { isQuiet, parseQuietHours } from './quiet.js';
export { batchSummary } from './summary.js';
export { createTelegramReplies, type TelegramReplies } from './telegram-replies.js';
