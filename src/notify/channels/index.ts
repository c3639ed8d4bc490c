import type { NotifyKind } from '../../api/index.js';
import type { NotifyConfig } from '../../config/notify-schema.js';
import { parseQuietHours } from '../quiet.js';
import { desktopSender } from './desktop.js';
import { slackSender } from './slack.js';
import { telegramSender } from './telegram.js';
import type { Channel, ChannelDeps } from './types.js';
import { webhookSender } from './webhook.js';

export type { Channel, ChannelDeps, SendResult } from './types.js';
export { signature, webhookBody } from './webhook.js';

type PerChannel = { events?: NotifyKind[] | undefined; quiet_hours?: string | undefined; max_per_hour?: number | undefined };

/** The configured channels (a `[notify.<name>]` table turns one on), each with its own or [notify]'s settings. */
export function createChannels(cfg: NotifyConfig, d: ChannelDeps): Channel[] {
  const settings = (c: PerChannel) => ({
    events: c.events ?? cfg.events,
    quiet: parseQuietHours(c.quiet_hours ?? cfg.quiet_hours),
    maxPerHour: c.max_per_hour ?? cfg.max_per_hour,
  });
  const out: Channel[] = [];
  if (cfg.desktop) out.push({ name: 'desktop', ...settings(cfg.desktop), send: desktopSender(d) });
  if (cfg.slack) out.push({ name: 'slack', ...settings(cfg.slack), send: slackSender(cfg.slack, d) });
  if (cfg.telegram) out.push({ name: 'telegram', ...settings(cfg.telegram), send: telegramSender(cfg.telegram, d) });
  if (cfg.webhook) out.push({ name: 'webhook', ...settings(cfg.webhook), send: webhookSender(cfg.webhook, d) });
  return out;
}
