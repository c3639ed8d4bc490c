import type { Db } from './db.js';
import { makeEvent, type Event, type EventData, type EventOf, type EventType } from '../api/index.js';
import { redactJson } from '../secrets/index.js';

interface RawEvent {
  seq: number;
  ts: string;
  type: string;
  task_id: string | null;
  run_id: string | null;
  data: string;
}

/** Rows were written by `append`, whose payloads are typed; they are not parsed again on the way out. */
const toEvent = (r: RawEvent): Event => ({
  seq: r.seq,
  ts: r.ts,
  type: r.type,
  taskId: r.task_id,
  runId: r.run_id,
  data: JSON.parse(r.data) as unknown,
}) as Event;

/** Appends between two prunes: a DELETE on the primary key, cheap, but not worth doing for every event. */
const PRUNE_EVERY = 500;

/**
 * `keep`: how many persisted events to hold, the newest (older ones are deleted now and every PRUNE_EVERY appends).
 * Seqs are AUTOINCREMENT: a deleted seq is never given again, so a client after one finds a gap, not other events.
 */
export function createEventStore(db: Db, redact?: (text: string) => string, keep?: number) {
  const prune = db.prepare('DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - ?');
  const oldest = db.prepare('SELECT MIN(seq) AS seq FROM events');
  let appended = 0;
  const trim = (): void => {
    if (keep !== undefined) prune.run(keep);
  };
  trim();
  const insert = db.prepare('INSERT INTO events (ts, type, task_id, run_id, data) VALUES (?, ?, ?, ?, ?)');
  const since = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
  const forRun = db.prepare('SELECT * FROM events WHERE run_id = ? ORDER BY seq');
  const latest = db.prepare('SELECT MAX(seq) AS seq FROM events');
  return {
    append<T extends EventType>(type: T, taskId: string | null, runId: string | null, data: EventData<T>): EventOf<T> {
      const ts = new Date().toISOString();
      const json = JSON.stringify(data);
      // `[redacted]` needs no JSON escaping, so a redacted payload is still the same JSON shape.
      const safe = redact ? redactJson(json, data, redact) : { text: json, value: data };
      const info = insert.run(ts, type, taskId, runId, safe.text);
      if (++appended % PRUNE_EVERY === 0) trim();
      return makeEvent(Number(info.lastInsertRowid), ts, type, taskId, runId, safe.value);
    },
    since(seq: number, limit = 1000): Event[] {
      return (since.all(seq, limit) as RawEvent[]).map(toEvent);
    },
    /** The seq of the newest event, 0 when there is none. */
    latest(): number {
      return (latest.get() as { seq: number | null }).seq ?? 0;
    },
    /** The seq of the oldest event still held, 0 when there is none. */
    oldest(): number {
      return (oldest.get() as { seq: number | null }).seq ?? 0;
    },
    forRun(runId: string): Event[] {
      return (forRun.all(runId) as RawEvent[]).map(toEvent);
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
