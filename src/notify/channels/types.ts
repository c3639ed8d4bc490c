import type { NotifyChannelName, NotifyKind } from '../../api/index.js';
import type { PostResult } from '../http.js';
import type { Notice } from '../notice.js';
import type { QuietHours } from '../quiet.js';

/** One attempt's outcome: `skipped` (desktop without notify-send) counts as delivered. */
export type SendResult = PostResult | { ok: true; skipped: string } | { ok: true; status: number; body: string; messageId: number };

export interface Channel {
  name: NotifyChannelName;
  /** What this channel is told, its quiet hours and rate limit (its own, else [notify]'s). */
  events: readonly NotifyKind[];
  quiet: QuietHours | undefined;
  maxPerHour: number;
  /** One delivery attempt; `deliveryId` is the same on every retry. Never throws. */
  send: (n: Notice, deliveryId: string) => Promise<SendResult>;
}

export interface ChannelDeps {
  env: NodeJS.ProcessEnv;
  /** `~/.config/orch/secrets.env` (0600): secrets not in the environment. */
  secretsFile: string;
  /** The project's directory name, in every message. */
  project: string;
  timeoutMs: number;
  version: string;
}

/** The text of a notice for chat channels. */
export const chatText = (n: Notice, project: string): string => `Orch · ${project}: ${n.title}${n.text ? `\n${n.text}` : ''}`;
