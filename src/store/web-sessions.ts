import type { Db } from './db.js';

/**
 * The web page's browser sessions, kept across daemon restarts: only a SHA-256 of each session id is stored (a copy
 * of the database does not log anyone in), with its expiry in epoch milliseconds.
 */
export function createWebSessionStore(db: Db) {
  const add = db.prepare('INSERT OR REPLACE INTO web_sessions (hash, expires_at) VALUES (?, ?)');
  const get = db.prepare('SELECT expires_at FROM web_sessions WHERE hash = ?');
  const remove = db.prepare('DELETE FROM web_sessions WHERE hash = ?');
  const sweep = db.prepare('DELETE FROM web_sessions WHERE expires_at <= ?');
  return {
    add(hash: string, expiresAt: number): void {
      add.run(hash, expiresAt);
    },
    /** The expiry of a stored session, or undefined. */
    expiry(hash: string): number | undefined {
      return (get.get(hash) as { expires_at: number } | undefined)?.expires_at;
    },
    remove(hash: string): void {
      remove.run(hash);
    },
    sweep(now: number): void {
      sweep.run(now);
    },
  };
}

export type WebSessionStore = ReturnType<typeof createWebSessionStore>;
