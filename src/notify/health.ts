import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ChannelHealth, WebhookItem } from '../api/index.js';

/**
 * `<project state>/notify.json` (0600): each channel's last delivery and failure, for `orch doctor`. Written by the
 * daemon only. What is not delivered yet lives in the store's outbox; `held` here is only read from older files.
 */
export const notifyStateFile = (stateDir: string): string => join(stateDir, 'notify.json');

const Held = WebhookItem.extend({ items: z.array(WebhookItem) });
export const NotifyState = z.object({
  channels: z.record(z.string(), ChannelHealth),
  held: z.record(z.string(), z.array(Held)).default({}),
});
export type NotifyState = z.infer<typeof NotifyState>;

export function readNotifyState(file: string): NotifyState {
  try {
    const r = NotifyState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (r.success) return r.data;
  } catch {
    // missing or unreadable: start empty
  }
  return { channels: {}, held: {} };
}

export function writeNotifyState(file: string, s: NotifyState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export const emptyHealth = (): ChannelHealth => ({ lastOkAt: null, lastErrorAt: null, lastError: null, sent: 0, failed: 0, held: 0, waiting: 0 });
