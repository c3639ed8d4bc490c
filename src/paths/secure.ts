import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Orch's state holds what agents printed, questions and answers, verification output and the daemon token: only
 * its owner may read it. Directories 0700 and files 0600, also for state written by older versions.
 */
export function secureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const walk = (d: string, depth: number): void => {
    chmodQuietly(d, 0o700);
    if (depth > 3) return;
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (st.isFile() && (st.mode & 0o077) !== 0) chmodQuietly(p, 0o600);
    }
  };
  if (existsSync(dir)) walk(dir, 0);
}

function chmodQuietly(p: string, mode: number): void {
  try {
    chmodSync(p, mode);
  } catch {
    // not ours or gone: nothing to tighten
  }
}
