import type { Db } from './db.js';
import type { Batch } from '../api/index.js';

interface RawBatch {
  id: string;
  scope: string;
  max_tasks: number | null;
  started: number;
  state: string;
  created_at: string;
  ended_at: string | null;
  name: string | null;
  budget_usd: number | null;
  deadline: string | null;
}

export interface BatchExtra {
  name?: string;
  budgetUsd?: number;
  deadline?: string;
}

const toBatch = (r: RawBatch): Batch => ({
  id: r.id,
  scope: JSON.parse(r.scope) as Batch['scope'],
  maxTasks: r.max_tasks,
  started: r.started,
  state: r.state as Batch['state'],
  createdAt: r.created_at,
  endedAt: r.ended_at,
  name: r.name,
  budgetUsd: r.budget_usd,
  deadline: r.deadline,
});

export function createBatchStore(db: Db) {
  const insert = db.prepare('INSERT INTO batches (id, scope, max_tasks, created_at, name, budget_usd, deadline) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const byName = db.prepare('SELECT * FROM batches WHERE name = ? ORDER BY created_at DESC LIMIT ?');
  const byId = db.prepare('SELECT * FROM batches WHERE id = ?');
  const active = db.prepare("SELECT * FROM batches WHERE state = 'active' ORDER BY created_at");
  const recent = db.prepare('SELECT * FROM batches ORDER BY created_at DESC LIMIT ?');
  const bump = db.prepare('UPDATE batches SET started = started + 1 WHERE id = ?');
  const end = db.prepare("UPDATE batches SET state = ?, ended_at = ? WHERE id = ? AND state = 'active'");
  return {
    create(id: string, scope: Batch['scope'], maxTasks: number | null, extra: BatchExtra = {}): Batch {
      insert.run(id, JSON.stringify(scope), maxTasks, new Date().toISOString(), extra.name ?? null, extra.budgetUsd ?? null, extra.deadline ?? null);
      return toBatch(byId.get(id) as RawBatch);
    },
    get(id: string): Batch | undefined {
      const r = byId.get(id) as RawBatch | undefined;
      return r ? toBatch(r) : undefined;
    },
    active(): Batch[] {
      return (active.all() as RawBatch[]).map(toBatch);
    },
    /** Batches of that name, newest first. */
    named(name: string, limit = 10): Batch[] {
      return (byName.all(name, limit) as RawBatch[]).map(toBatch);
    },
    recent(limit = 10): Batch[] {
      return (recent.all(limit) as RawBatch[]).map(toBatch);
    },
    countStarted(id: string): void {
      bump.run(id);
    },
    end(id: string, state: 'finished' | 'stopped'): void {
      end.run(state, new Date().toISOString(), id);
    },
  };
}

export type BatchStore = ReturnType<typeof createBatchStore>;
