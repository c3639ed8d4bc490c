import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';

/**
 * Notifications not yet delivered, per channel (O2): `queued` ones are being sent or wait for their next attempt
 * (`nextAt`, ms since the epoch); `held` ones wait for the end of quiet hours or the rate limit, to go out as one
 * digest. A row is written before its first attempt and removed once delivered, so a daemon killed at any moment
 * sends it after its restart, under the same delivery id (receivers drop repeats by it).
 */
export type OutboxState = 'queued' | 'held';

export interface OutboxRow {
  id: string;
  channel: string;
  state: OutboxState;
  /** The notice, as JSON the notifier wrote. */
  notice: unknown;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  createdAt: string;
}

interface Raw {
  id: string;
  channel: string;
  state: OutboxState;
  notice: string;
  attempts: number;
  next_at: number;
  last_error: string | null;
  created_at: string;
}

const toRow = (r: Raw): OutboxRow => ({ id: r.id, channel: r.channel, state: r.state, notice: JSON.parse(r.notice) as unknown, attempts: r.attempts, nextAt: r.next_at, lastError: r.last_error, createdAt: r.created_at });

export function createOutboxStore(db: Db) {
  const insert = db.prepare('INSERT INTO notify_outbox (id, channel, state, notice, created_at) VALUES (?, ?, ?, ?, ?)');
  const list = db.prepare('SELECT * FROM notify_outbox WHERE channel = ? AND state = ? ORDER BY seq');
  const remove = db.prepare('DELETE FROM notify_outbox WHERE id = ?');
  const later = db.prepare('UPDATE notify_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?');
  const add = (channel: string, notice: unknown, state: OutboxState, at: Date): string => {
    const id = randomUUID();
    insert.run(id, channel, state, JSON.stringify(notice), at.toISOString());
    return id;
  };
  return {
    add,
    /** Oldest first. */
    list: (channel: string, state: OutboxState): OutboxRow[] => (list.all(channel, state) as Raw[]).map(toRow),
    remove(ids: string[]): void {
      db.transaction(() => {
        for (const id of ids) remove.run(id);
      })();
    },
    /** A failed delivery waits until `nextAt` for its next attempt. */
    later(id: string, attempts: number, nextAt: number, error: string): void {
      later.run(attempts, nextAt, error, id);
    },
    /** The held rows of a channel become one queued notice (a digest), at once: none is lost or sent twice. */
    replace(ids: string[], channel: string, notice: unknown, at: Date): string {
      return db.transaction(() => {
        for (const id of ids) remove.run(id);
        return add(channel, notice, 'queued', at);
      })();
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
