import { mkdirSync, openSync, closeSync, writeSync, readFileSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { DaemonInfo } from '../api/index.js';
import { isAlive } from '../agents/index.js';

/** Alive and not a zombie: a killed daemon whose parent never reaps it must not hold the lock. */
export const pidAlive = (pid: number): boolean => isAlive(pid);

/** One daemon per project: an exclusive lock file holding the owner's pid; a dead owner's lock is taken over. */
export function acquireLock(file: string): { ok: true; release: () => void } | { ok: false; pid: number } {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        ok: true,
        release: () => {
          try {
            if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      if (Number.isFinite(pid) && pid !== process.pid && pidAlive(pid)) return { ok: false, pid };
      try {
        unlinkSync(file);
      } catch {
        // raced with another starter; retry
      }
    }
  }
  return { ok: false, pid: -1 };
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
