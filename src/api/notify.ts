import { z } from 'zod';

/**
 * Notifications (O2): what a person is told, through which channels, and the generic webhook's body. The webhook body
 * is a public contract: `version` changes only when a field changes meaning or goes away (adding one keeps it).
 */

/** What can be notified, as named in `[notify] events`. */
export const NOTIFY_KINDS = ['task.merged', 'task.failed', 'task.needs_review', 'agent.stuck', 'question.waiting', 'budget.warning', 'budget.exceeded', 'batch.finished', 'batch.missed'] as const;
export const NotifyKind = z.enum(NOTIFY_KINDS);
export type NotifyKind = z.infer<typeof NotifyKind>;

/** Notified unless `events` says otherwise: what needs a person, what costs money, and the end of a batch. */
export const DEFAULT_NOTIFY_KINDS: readonly NotifyKind[] = ['task.failed', 'task.needs_review', 'agent.stuck', 'question.waiting', 'budget.warning', 'budget.exceeded', 'batch.finished', 'batch.missed'];

export const NOTIFY_CHANNELS = ['desktop', 'slack', 'telegram', 'webhook'] as const;
export const NotifyChannelName = z.enum(NOTIFY_CHANNELS);
export type NotifyChannelName = z.infer<typeof NotifyChannelName>;

/** One notification as the webhook carries it (a digest carries several in `items`). */
const NoticeFields = {
  /** A notify kind, `test` (`orch notify test`) or `digest` (what quiet hours or a rate limit held back). */
  kind: z.union([NotifyKind, z.literal('test'), z.literal('digest')]),
  title: z.string(),
  text: z.string(),
  taskId: z.string().nullable(),
  runId: z.string().nullable(),
  /** When it happened (ISO 8601). */
  ts: z.string(),
  /** The daemon event it came from (`GET /api/events` shapes), or null. */
  event: z.object({ seq: z.number(), type: z.string(), data: z.unknown() }).nullable(),
};

export const WebhookItem = z.object(NoticeFields);
export type WebhookItem = z.infer<typeof WebhookItem>;

/** The JSON body of every generic webhook POST. Signed (`X-Orch-Signature: sha256=<hex HMAC-SHA256 of the body>`) when a secret is set. */
export const WebhookPayload = z.object({
  version: z.literal(1),
  /** The same on every retry of one delivery (also in `X-Orch-Delivery`): receivers drop repeats by it. */
  id: z.string(),
  /** The project's directory name. */
  project: z.string(),
  ...NoticeFields,
  /** The held notifications of a digest, oldest first; [] otherwise. */
  items: z.array(WebhookItem),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** `POST /api/notify/test`. */
export const NotifyTestRequest = z.strictObject({ channel: NotifyChannelName.optional() });
export type NotifyTestRequest = z.input<typeof NotifyTestRequest>;

export const ChannelResult = z.object({ channel: NotifyChannelName, ok: z.boolean(), attempts: z.number(), detail: z.string() });
export type ChannelResult = z.infer<typeof ChannelResult>;

export const NotifyTestResult = z.object({ results: z.array(ChannelResult) });
export type NotifyTestResult = z.infer<typeof NotifyTestResult>;

/** What the daemon remembers of each channel (`<state>/notify.json`, read by `orch doctor`). */
export const ChannelHealth = z.object({
  lastOkAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
  sent: z.number(),
  failed: z.number(),
  held: z.number(),
  /** Deliveries that failed and wait for their next attempt (kept in the store across restarts). */
  waiting: z.number().default(0),
});
export type ChannelHealth = z.infer<typeof ChannelHealth>;
