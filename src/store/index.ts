import { openDb, type Db } from './db.js';
import { createTaskStore } from './tasks.js';
import { createRunStore } from './runs.js';
import { createEventStore } from './events.js';
import { createBatchStore } from './batches.js';
import { createSignalStore } from './signals.js';
import { createHistoryStore } from './history.js';
import { createWebSessionStore } from './web-sessions.js';
import { createOutboxStore } from './outbox.js';

export type { Db } from './db.js';
export { isDiskFull } from './errors.js';
export type { MaintenanceTask, TaskRow, TaskSource, TaskStore } from './tasks.js';
export type { RunRow, RunStore, NewRun, Spend } from './runs.js';
export type { EventStore } from './events.js';
export type { BatchStore, BatchExtra } from './batches.js';
export type { SignalStore } from './signals.js';
export type { HistoryStore } from './history.js';
export type { WebSessionStore } from './web-sessions.js';
export { createOutboxStore, type OutboxStore, type OutboxRow, type OutboxState } from './outbox.js';
export { openDb } from './db.js';

/**
 * `redact`: blanks secrets in what is stored from outside (events' payloads, agents' signals). `eventsKept`: persisted
 * events to hold, the newest (daemon.events_kept); all when not given.
 */
export function createStore(file: string, o: { redact?: (text: string) => string; eventsKept?: number } = {}) {
  const db: Db = openDb(file);
  return {
    db,
    tasks: createTaskStore(db),
    runs: createRunStore(db, o.redact),
    events: createEventStore(db, o.redact, o.eventsKept),
    batches: createBatchStore(db),
    signals: createSignalStore(db, o.redact),
    history: createHistoryStore(db),
    webSessions: createWebSessionStore(db),
    outbox: createOutboxStore(db),
    meta: {
      get(key: string): string | undefined {
        const r = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
        return r?.value;
      },
      set(key: string, value: string): void {
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
      },
      delete(key: string): void {
        db.prepare('DELETE FROM meta WHERE key = ?').run(key);
      },
    },
    close(): void {
      db.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;
