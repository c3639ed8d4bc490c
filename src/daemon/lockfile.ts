import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { DaemonInfo } from '../api/index.js';
import { isAlive } from '../agents/index.js';

/** Alive and not a zombie: a killed daemon whose parent never reaps it must not hold the lock. */
export const pidAlive = (pid: number): boolean => isAlive(pid);

/**
 * One daemon per project, held by the OS: an exclusive SQLite transaction on `<lockFile>` (an fcntl lock the kernel
 * drops when the process dies, however it dies). There is no pid to go stale: a pid reused by another process
 * cannot block, and of any number of concurrent starters exactly one gets it. The owner's pid is written beside it
 * for messages only.
 */
const held = new Set<Database.Database>();

export function acquireLock(file: string): { ok: true; release: () => void } | { ok: false; pid: number } {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // `.db`: a `daemon.lock` of an older Orch held a pid as text, which SQLite would not open. Created private first:
  // SQLite would make it (and its journal, which copies the mode) readable by everyone.
  closeSync(openSync(`${file}.db`, 'a', 0o600));
  chmodSync(`${file}.db`, 0o600);
  const db = new Database(`${file}.db`, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // An empty database file takes no lock: a table, then a write inside the transaction, make SQLite hold it.
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('BEGIN EXCLUSIVE');
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
    const pid = Number.parseInt(safeRead(`${file}.pid`), 10);
    return { ok: false, pid: Number.isFinite(pid) ? pid : -1 };
  }
  writeFileSync(`${file}.pid`, String(process.pid), { mode: 0o600 });
  // Held here, not only by the caller: a collected connection is closed by its finalizer, and the lock with it.
  held.add(db);
  return {
    ok: true,
    release: () => {
      held.delete(db);
      try {
        db.exec('ROLLBACK');
      } catch {
        // nothing open
      }
      db.close();
    },
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

export function writeDaemonInfo(file: string, info: DaemonInfo): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
}

export function readDaemonInfo(file: string): DaemonInfo | undefined {
  try {
    const parsed = DaemonInfo.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function removeDaemonInfo(file: string, pid: number): void {
  const info = readDaemonInfo(file);
  if (info && info.pid !== pid) return;
  try {
    unlinkSync(file);
  } catch {
    // gone
  }
}
