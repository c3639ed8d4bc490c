import { createHash } from 'node:crypto';
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface ConfigWatchDeps {
  /** The config files, user then project; either may be missing (and appear later). */
  files: string[];
  /** Called once the files settled after a change (`debounceMs` without another). */
  changed: () => void;
  log: (msg: string) => void;
  /** Quiet time after the last change before `changed` runs: an editor writes a file in several steps. */
  debounceMs?: number;
  /** The fallback check of the files' contents, for file systems where fs.watch says nothing. */
  pollMs?: number;
}

const digest = (file: string): string => {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return 'missing';
  }
};

/**
 * Watches the daemon's config files (user and project) so an edit applies without an `orch` command. The folders are
 * watched, not the files: editors save by writing a new file and renaming it over the old one, and a file that does
 * not exist yet can still be created. A content check every `pollMs` catches what the watchers miss (network file
 * systems, a folder created later). `changed` runs only when a file's contents differ from the last ones seen.
 */
export function createConfigWatch(d: ConfigWatchDeps) {
  const seen = new Map(d.files.map((f) => [f, digest(f)]));
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;

  const check = (): void => {
    let moved = false;
    for (const f of d.files) {
      const now = digest(f);
      if (now !== seen.get(f)) moved = true;
      seen.set(f, now);
    }
    if (moved) d.changed();
  };
  const soon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(check, d.debounceMs ?? 200);
    timer.unref();
  };

  return {
    start(): void {
      for (const dir of new Set(d.files.map((f) => dirname(f)))) {
        if (!existsSync(dir)) continue;
        const names = new Set(d.files.filter((f) => dirname(f) === dir).map((f) => basename(f)));
        try {
          const w = watch(dir, { persistent: false }, (_event, name) => {
            if (name === null || names.has(name.toString())) soon();
          });
          w.on('error', (e) => d.log(`config watch of ${dir} stopped: ${e.message}; config files are still checked every ${Math.round((d.pollMs ?? 5000) / 1000)} s`));
          watchers.push(w);
        } catch (e) {
          d.log(`cannot watch ${dir} (${(e as Error).message}); config files are checked every ${Math.round((d.pollMs ?? 5000) / 1000)} s`);
        }
      }
      poll = setInterval(check, d.pollMs ?? 5000);
      poll.unref();
    },
    stop(): void {
      clearTimeout(timer);
      clearInterval(poll);
      for (const w of watchers.splice(0)) w.close();
    },
  };
}

export type ConfigWatch = ReturnType<typeof createConfigWatch>;
