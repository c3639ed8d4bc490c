/**
 * What an agent must never change in the shared repository, watched across one turn: the shared config, every
 * hook, the worktree's own config and the pointers that say which repository its worktree belongs to. The
 * sandbox makes these read-only; without it (or if anything got through) the change is reported and undone
 * before Orch's next git call could run it.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { within } from './bwrap.js';
import { guardCliState } from './cli-state.js';

type Snapshot = Map<string, Buffer | null>;

const read = (file: string): Buffer | null => {
  try {
    return lstatSync(file).isFile() ? readFileSync(file) : Buffer.from(`<not a regular file: ${lstatSync(file).isSymbolicLink() ? 'symlink' : 'other'}>`);
  } catch {
    return null;
  }
};

const hooks = (commonDir: string): string[] => {
  const dir = join(commonDir, 'hooks');
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
};

export interface GitGuardPlace {
  commonDir: string;
  /** The worktree's own git dir (`<commonDir>/worktrees/<name>`). */
  gitDir?: string;
  worktree: string;
  /**
   * The agent CLIs' command-running config (`cliExecConfig`): read-only inside the sandbox when it exists; one the
   * turn created is moved aside (`<name>.orch-quarantine-<time>`, nothing is lost) and reported.
   */
  cliConfig?: readonly string[];
  /** Inside `cliConfig`: what the CLI creates itself on its first start (`cliManagedConfig`), left alone. */
  cliManaged?: readonly string[];
  /** JSON state files of the CLIs (`claudeStateFiles`) whose command-starting keys are put back after the turn. */
  cliState?: readonly string[];
  /** Where Orch's worktrees live: their projects in a CLI's state file are the runs' own. */
  worktreesDir?: string;
}

/** Exists, even as a dangling symlink. */
const present = (f: string): boolean => {
  try {
    lstatSync(f);
    return true;
  } catch {
    return false;
  }
};

/**
 * What the turn added of a config entry that did not exist before it: the entry itself, or for a directory the
 * children it holds except what the CLI manages itself (Codex's `skills/.system`).
 */
const addedEntries = (f: string, managed: ReadonlySet<string>): string[] => {
  // What the CLI makes itself (OpenCode's bin/, Gemini's tmp/bin/ on a first run) is the CLI's.
  if (managed.has(f)) return [];
  if (!lstatSync(f).isDirectory()) return [f];
  if (![...managed].some((m) => within(f, m))) return [f];
  return readdirSync(f).map((c) => join(f, c)).filter((c) => !managed.has(c));
};

const watched = (p: GitGuardPlace): string[] => [
  join(p.commonDir, 'config'),
  join(p.commonDir, 'info', 'attributes'),
  ...hooks(p.commonDir),
  ...(p.gitDir ? [join(p.gitDir, 'config.worktree'), join(p.gitDir, 'commondir'), join(p.gitDir, 'gitdir')] : []),
  join(p.worktree, '.git'),
];

/**
 * Takes the snapshot now; the returned check compares, puts back what changed (removes what was added) and
 * says what it found, one line per file.
 */
export const guardGit = (p: GitGuardPlace): (() => string[]) => {
  const before: Snapshot = new Map(watched(p).map((f) => [f, read(f)]));
  const cliBefore = new Set((p.cliConfig ?? []).filter(present));
  const managed = new Set(p.cliManaged ?? []);
  const state = guardCliState(p.cliState ?? [], p.worktreesDir ? [p.worktreesDir] : []);
  return () => {
    const found: string[] = state();
    for (const entry of p.cliConfig ?? []) {
      if (cliBefore.has(entry) || !present(entry)) continue;
      for (const f of addedEntries(entry, managed)) {
        const aside = `${f}.orch-quarantine-${Date.now()}`;
        try {
          renameSync(f, aside);
          found.push(`${f} added during the agent's turn (it would run in your next session of that CLI); Orch moved it to ${aside}`);
        } catch (e) {
          found.push(`${f} added during the agent's turn and could not be moved aside (${(e as Error).message}); check it before running that CLI`);
        }
      }
    }
    for (const f of new Set([...before.keys(), ...watched(p)])) {
      const was = before.get(f) ?? null;
      const now = read(f);
      if (was === null && now === null) continue;
      if (was !== null && now !== null && was.equals(now)) continue;
      const what = was === null ? 'added' : now === null ? 'removed' : 'changed';
      try {
        if (was === null) rmSync(f, { force: true, recursive: true });
        else writeFileSync(f, was, { mode: f.includes('/hooks/') ? 0o755 : 0o644 });
        found.push(`${f} ${what} during the agent's turn; Orch put it back`);
      } catch (e) {
        found.push(`${f} ${what} during the agent's turn and could not be put back (${(e as Error).message}); check it before running git there`);
      }
    }
    return found;
  };
};
