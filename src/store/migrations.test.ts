import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from './index.js';
import { migrations } from './migrations.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const tableColumns = (db: Database.Database, table: string): string[] => (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);

describe('store migrations', () => {
  it('are numbered 1, 2, 3, ... with no gap and no two alike (branches that both add one collide here)', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('upgrade a database of every older schema to the newest, keeping its rows', () => {
    for (let from = 1; from < migrations.length; from++) {
      dir = mkdtempSync(join(tmpdir(), 'orch-migrate-'));
      const file = join(dir, 'orch.db');
      // A database as an older Orch left it: migrations up to `from`, and a task, a run and an event in it.
      const old = new Database(file);
      old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      for (const m of migrations.slice(0, from)) {
        old.exec(m.sql);
        old.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, '2026-01-01T00:00:00Z');
      }
      const taskCols = tableColumns(old, 'tasks');
      const row: Record<string, unknown> = { id: 'a/E01', module: 'a', epic: 1, title: 'T', file: 'docs/plans/a-module/epic-01-t.md', status: 'not_started', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' };
      const cols = Object.keys(row).filter((k) => taskCols.includes(k));
      old.prepare(`INSERT INTO tasks (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((k) => row[k]));
      old.prepare("INSERT INTO events (ts, type, task_id, run_id, data) VALUES ('2026-01-01T00:00:00Z', 'sync', NULL, NULL, '{}')").run();
      old.close();

      const s = createStore(file);
      const versions = (s.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
      expect({ from, versions }).toEqual({ from, versions: migrations.map((m) => m.version) });
      expect(s.tasks.get('a/E01')?.title).toBe('T');
      expect(s.events.since(0).map((e) => e.type)).toEqual(['sync']);
      // What the newest migrations add is there and works.
      expect(tableColumns(s.db, 'tasks')).toContain('workflow');
      s.db.prepare('INSERT INTO web_sessions (hash, expires_at) VALUES (?, ?)').run('h', 1);
      s.close();
      rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    }
  });

  it('refuse a database written by a newer Orch, saying what to do', () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-migrate-'));
    const file = join(dir, 'orch.db');
    createStore(file).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migrations.length + 1, 'x');
    db.close();
    expect(() => createStore(file)).toThrow(/newer Orch .*Upgrade Orch, or move the state directory aside/);
  });
});
