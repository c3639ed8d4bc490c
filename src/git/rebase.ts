import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { NO_SIGN, identityEnv } from './commit.js';
import { argSafe, revParse } from './refs.js';
import { GitError, type GitRunner } from './types.js';

/** One conflicted file and its conflict blocks (`<<<<<<<` .. `>>>>>>>`), cut to a readable size. */
export interface ConflictHunk {
  path: string;
  hunks: string;
}

export type RebaseResult =
  | { ok: true; head: string; skipped: string[] }
  | { ok: false; conflicts: ConflictHunk[]; /** Subject of the commit being replayed when it stopped. */ commit: string };

export interface RebaseOptions {
  /** Commits whose replay conflicts and whose subject matches are dropped (`rebase --skip`); the caller regenerates them. */
  skipOnConflict?: (subject: string) => boolean;
  /** Per-file limit of conflict text returned. Default 4000 characters. */
  maxHunkChars?: number;
}

async function gitPath(git: GitRunner, worktree: string, name: string): Promise<string | undefined> {
  if (!existsSync(worktree)) return undefined;
  const r = await git.run(['rev-parse', '--git-path', name], { cwd: worktree });
  const p = r.stdout.trim();
  if (r.exitCode !== 0 || !p) return undefined;
  return isAbsolute(p) ? p : join(worktree, p);
}

/** The branch (`refs/heads/...`) a rebase in progress in this worktree rewrites, or undefined when none is. */
export async function rebasingBranch(git: GitRunner, worktree: string): Promise<string | undefined> {
  for (const dir of ['rebase-merge', 'rebase-apply']) {
    const d = await gitPath(git, worktree, dir);
    if (d === undefined || !existsSync(d)) continue;
    const head = join(d, 'head-name');
    return existsSync(head) ? readFileSync(head, 'utf8').trim() : 'HEAD';
  }
  return undefined;
}

/** The conflict blocks of `text`: every `<<<<<<<` .. `>>>>>>>` region with two lines of context around it. */
export function conflictBlocks(text: string, maxChars = 4000): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('<<<<<<<')) continue;
    let end = i;
    while (end < lines.length && !lines[end]!.startsWith('>>>>>>>')) end++;
    const from = Math.max(0, i - 2);
    const to = Math.min(lines.length - 1, end + 2);
    out.push(`@@ line ${i + 1} @@`, ...lines.slice(from, to + 1));
    i = end;
  }
  const s = out.join('\n');
  return s.length > maxChars ? `${s.slice(0, maxChars)}\n… (${s.length - maxChars} more characters; open the file)` : s;
}

async function conflicts(git: GitRunner, worktree: string, maxChars: number): Promise<ConflictHunk[]> {
  const r = await git.ok(['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: worktree });
  return r
    .split('\0')
    .filter(Boolean)
    .map((path) => {
      const file = join(worktree, path);
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return { path, hunks: '(deleted on one side, changed on the other)' };
      }
      return { path, hunks: conflictBlocks(text, maxChars) || '(conflict without text markers: binary, rename or mode)' };
    });
}

const rebaseEnv = (git: GitRunner): NodeJS.ProcessEnv => ({ ...identityEnv(git.identity), GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true' });

/** Follows a rebase that stopped until it finishes or stops on a conflict the caller must resolve. */
async function settle(git: GitRunner, worktree: string, first: { exitCode: number; stdout: string; stderr: string; command: string[]; durationMs: number }, o: RebaseOptions): Promise<RebaseResult> {
  const skipped: string[] = [];
  let r = first;
  let lastStop = '';
  for (let guard = 0; guard < 1000; guard++) {
    if (r.exitCode === 0 && (await rebasingBranch(git, worktree)) === undefined) {
      const head = await revParse(git, worktree, 'HEAD');
      if (!head) throw new Error(`rebase in ${worktree} left no HEAD`);
      return { ok: true, head, skipped };
    }
    if ((await rebasingBranch(git, worktree)) === undefined) throw new GitError({ ...r, command: r.command });
    // Git failing mid-rebase (a hook refusing the ref update, a lock, a full disk) stops it in the same place
    // again and again: abort, so the branch is as it was (its head is saved), and report git's own words.
    const stop = `${await revParse(git, worktree, 'HEAD')}|${await revParse(git, worktree, 'REBASE_HEAD')}|${r.exitCode}`;
    if (r.exitCode !== 0 && stop === lastStop) {
      const aborted = await git.run(['rebase', '--abort'], { cwd: worktree });
      if (aborted.exitCode !== 0) r = { ...r, stderr: `${r.stderr}\n(the rebase is left in progress in ${worktree}: git could not abort it either; it is aborted or continued on the next try)` };
      throw new GitError(r);
    }
    lastStop = stop;
    const subject = (await git.run(['log', '-1', '--format=%s', 'REBASE_HEAD'], { cwd: worktree })).stdout.trim();
    const found = await conflicts(git, worktree, o.maxHunkChars ?? 4000);
    if (found.length > 0 && o.skipOnConflict?.(subject)) {
      skipped.push(subject);
      r = await git.run([...NO_SIGN, 'rebase', '--skip'], { cwd: worktree, env: rebaseEnv(git) });
      continue;
    }
    if (found.length === 0) {
      // Stopped without conflicts (an empty commit, a hook): move on.
      await git.ok(['add', '-A'], { cwd: worktree });
      r = await git.run([...NO_SIGN, 'rebase', '--continue'], { cwd: worktree, env: rebaseEnv(git) });
      if (r.exitCode !== 0 && /nothing to commit|previous cherry-pick is now empty/.test(r.stdout + r.stderr)) {
        r = await git.run([...NO_SIGN, 'rebase', '--skip'], { cwd: worktree, env: rebaseEnv(git) });
      }
      continue;
    }
    return { ok: false, conflicts: found, commit: subject };
  }
  throw new Error(`rebase in ${worktree} did not settle`);
}

/**
 * Rebases the branch checked out in `worktree` onto `onto` (a real `git rebase`). On a conflict the rebase stays in
 * progress with markers in the files, for an agent or a person to resolve and `continueRebase`. The worktree must be
 * clean; the caller saves the old head first.
 */
export async function startRebase(git: GitRunner, worktree: string, onto: string, o: RebaseOptions = {}): Promise<RebaseResult> {
  const r = await git.run([...NO_SIGN, 'rebase', '--no-verify', '--no-autostash', '--no-autosquash', argSafe(onto, 'onto')], { cwd: worktree, env: rebaseEnv(git) });
  if (r.exitCode !== 0 && (await rebasingBranch(git, worktree)) === undefined) throw new GitError(r);
  return settle(git, worktree, r, o);
}

/** Stages the resolution and continues a rebase in progress (`git add -A && git rebase --continue`). */
export async function continueRebase(git: GitRunner, worktree: string, o: RebaseOptions = {}): Promise<RebaseResult> {
  await git.ok(['add', '-A'], { cwd: worktree });
  const r = await git.run([...NO_SIGN, 'rebase', '--continue'], { cwd: worktree, env: rebaseEnv(git) });
  return settle(git, worktree, r, o);
}

export async function abortRebase(git: GitRunner, worktree: string): Promise<void> {
  if ((await rebasingBranch(git, worktree)) !== undefined) await git.ok(['rebase', '--abort'], { cwd: worktree });
}
