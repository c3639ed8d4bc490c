import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';
import type { Signal, SignalKind } from '../api/index.js';

const select = `SELECT id, run_id AS runId, task_id AS taskId, kind, text, audience, answer, answered_by AS answeredBy,
  created_at AS createdAt, answered_at AS answeredAt FROM signals`;

export function createSignalStore(db: Db, redact: (text: string) => string = (t) => t) {
  const insert = db.prepare(`INSERT INTO signals (id, run_id, task_id, kind, text, audience, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const byId = db.prepare(`${select} WHERE id = ?`);
  const forRun = db.prepare(`${select} WHERE run_id = ? ORDER BY created_at, rowid`);
  const open = db.prepare(`${select} WHERE kind = 'question' AND answer IS NULL ORDER BY created_at`);
  const answer = db.prepare('UPDATE signals SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ? AND answer IS NULL');
  return {
    add(runId: string, taskId: string, kind: SignalKind, text: string, audience: 'human' | 'orchestrator' | null): Signal {
      const id = `q${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
      insert.run(id, runId, taskId, kind, redact(text), audience, new Date().toISOString());
      return byId.get(id) as Signal;
    },
    get: (id: string) => byId.get(id) as Signal | undefined,
    forRun: (runId: string) => forRun.all(runId) as Signal[],
    openQuestions: () => open.all() as Signal[],
    /** False when it was already answered (first answer wins). */
    answer(id: string, text: string, by: string): boolean {
      return answer.run(redact(text), by, new Date().toISOString(), id).changes === 1;
    },
  };
}

export type SignalStore = ReturnType<typeof createSignalStore>;
