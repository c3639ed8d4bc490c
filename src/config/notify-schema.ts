import { z } from 'zod';
import { DEFAULT_NOTIFY_KINDS, NOTIFY_KINDS } from '../api/notify.js';

/**
 * `[notify]` (O2). Only the user's own config sets it (src/config/trust.ts): it decides what leaves the machine.
 * Secrets (webhook URLs, bot tokens, signing keys) are never values here: each is the NAME of an environment
 * variable, looked up in the daemon's environment, then in `~/.config/orch/secrets.env` (mode 0600).
 */

const EnvVar = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, _)');
const QUIET = /^(?:|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/;
const Kinds = z.array(z.enum(NOTIFY_KINDS));

/** What every channel may narrow for itself; unset = the `[notify]` value. */
const perChannel = {
  events: Kinds.optional().describe('What this channel is told; unset = [notify] events.'),
  quiet_hours: z.string().regex(QUIET, 'must be "HH:MM-HH:MM" (e.g. "22:00-07:00") or ""').optional().describe('Quiet hours of this channel; unset = [notify] quiet_hours.'),
  max_per_hour: z.number().int().min(0).optional().describe('Rate limit of this channel; unset = [notify] max_per_hour.'),
};

const DesktopSchema = z.object({ ...perChannel }).describe('Desktop notifications through notify-send, where it is installed (silently skipped where not).');

const SlackSchema = z
  .object({
    webhook_url_env: EnvVar.default('ORCH_SLACK_WEBHOOK_URL').describe('Environment variable holding the Slack incoming-webhook URL (the URL is the secret).'),
    ...perChannel,
  })
  .describe('Slack, through an incoming webhook.');

const TelegramSchema = z
  .object({
    token_env: EnvVar.default('ORCH_TELEGRAM_TOKEN').describe('Environment variable holding the bot token (from @BotFather).'),
    chat_id: z.union([z.string().min(1), z.number().int()]).describe('The chat (a user, group or channel id) the bot writes to.'),
    api_url: z.url().default('https://api.telegram.org').describe('The Bot API base URL (a local Bot API server, or a test server).'),
    ...perChannel,
  })
  .describe('Telegram, through a bot (Bot API sendMessage).');

const WebhookSchema = z
  .object({
    url: z.string().default('').describe('Where the JSON is POSTed. Use url_env instead when the URL itself carries a token.'),
    url_env: z.union([z.literal(''), EnvVar]).default('').describe('Environment variable holding the URL (instead of url).'),
    secret_env: z.union([z.literal(''), EnvVar]).default('').describe('Environment variable holding the HMAC key: each body is signed in X-Orch-Signature: sha256=<hex>. "" = unsigned.'),
    ...perChannel,
  })
  .refine((w) => (w.url === '') !== (w.url_env === ''), { message: 'set exactly one of url and url_env', path: ['url'] })
  .refine((w) => w.url === '' || /^https?:\/\//.test(w.url), { message: 'must be an http:// or https:// URL', path: ['url'] })
  .describe('Any HTTP endpoint: a versioned JSON body (docs/unattended.md), signed with HMAC-SHA256 when secret_env is set.');

/** A channel that is off (`false`, the default) until its table is written. */
function off<T extends z.ZodType>(schema: T, description: string) {
  return z.union([z.literal(false), schema]).default(false).describe(description);
}

export const NotifySchema = z
  .object({
    events: Kinds.default(() => [...DEFAULT_NOTIFY_KINDS]).describe(`What channels are told: any of ${NOTIFY_KINDS.join(', ')}. Default: all but task.merged.`),
    quiet_hours: z
      .string()
      .regex(QUIET, 'must be "HH:MM-HH:MM" (e.g. "22:00-07:00") or ""')
      .default('')
      .describe('Hours (in `timezone`) when notifications are held; they go out as one digest when the quiet hours end. "" = never quiet.'),
    max_per_hour: z.number().int().min(0).default(30).describe('Most messages a channel sends in an hour; the rest are held and sent as one digest. 0 = no limit.'),
    timeout_seconds: z.number().min(1).max(120).default(10).describe('How long one delivery attempt may take.'),
    retries: z.number().int().min(0).max(10).default(3).describe('Retries of a failed delivery (network error, timeout, HTTP 429 or 5xx), with exponential backoff.'),
    desktop: off(DesktopSchema, 'Desktop notifications: a [notify.desktop] table turns them on (notify-send; skipped where it is not installed).'),
    slack: off(SlackSchema, 'Slack: a [notify.slack] table turns it on (webhook_url_env, default ORCH_SLACK_WEBHOOK_URL).'),
    telegram: off(TelegramSchema, 'Telegram: a [notify.telegram] table turns it on (chat_id; token_env, default ORCH_TELEGRAM_TOKEN; api_url).'),
    webhook: off(WebhookSchema, 'A generic webhook: a [notify.webhook] table turns it on (url or url_env; secret_env signs the body).'),
  })
  .describe('Notifications (O2): a channel is on when its table is present. Only your own config may set [notify] (it decides what leaves this machine).');

export type NotifyConfig = z.output<typeof NotifySchema>;
