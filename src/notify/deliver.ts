import type { Channel } from './channels/index.js';
import type { Notice } from './notice.js';

export interface RetryPolicy {
  retries: number;
  /** First backoff; doubled on each retry (with jitter), at most `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface Delivery {
  ok: boolean;
  attempts: number;
  /** What happened, for people: "delivered", "skipped: ...", or the last error. */
  detail: string;
  /** The chat message it became (Telegram), so a reply to it can be matched. */
  messageId?: number;
  /** A failure that may pass later (network, timeout, 429, 5xx): the notice is kept for another round. */
  retry?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** Sends one notice through one channel, retrying what can succeed later (network, timeout, 429, 5xx) with backoff. */
export async function deliver(ch: Channel, n: Notice, deliveryId: string, p: RetryPolicy): Promise<Delivery> {
  for (let attempt = 1; ; attempt++) {
    const r = await ch.send(n, deliveryId);
    if (r.ok) return { ok: true, attempts: attempt, detail: 'skipped' in r ? r.skipped : 'delivered', ...('messageId' in r ? { messageId: r.messageId } : {}) };
    if (!r.retry || attempt > p.retries) {
      const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
      return { ok: false, attempts: attempt, detail: `${r.error}${tries}`, retry: r.retry };
    }
    const backoff = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
    await sleep(Math.min(p.maxDelayMs, Math.max(backoff, r.retryAfterMs ?? 0)));
  }
}
