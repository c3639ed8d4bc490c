import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { identityEnv } from './commit.js';
import { branchRef, isAncestor, resolveCommit, revParse } from './refs.js';
import { statusPorcelain } from './status.js';
import { listWorktrees } from './worktrees.js';
import { GitError, type AdvanceResult, type GitRunner, type StatusEntry, type WorktreeInfo } from './types.js';

export interface AdvanceBranchOptions {
  branch: string;
  /** The tip the caller built on; the branch only moves if it is still there (compare-and-swap). */
  from: string;
  to: string;
  /**
   * Uncommitted changes the user may keep in the checkout while it fast-forwards: paths this says yes to and the
   * advance does not touch (plan edits while tasks run). Anything else dirty still stops the advance.
   */
  mayBeDirty?: (path: string) => boolean;
}

/** Paths git listed under "... would be overwritten by merge:" (tab-indented lines). */
export function overwrittenPaths(stderr: string): string[] {
  const paths: string[] = [];
  let inList = false;
  for (const line of stderr.split('\n')) {
    if (/would be overwritten by/.test(line)) inList = true;
    else if (inList && line.startsWith('\t')) paths.push(line.slice(1));
    else inList = false;
  }
  return paths;
}

/** A detached worktree in the middle of rebasing `ref`: the rebase will rewrite the branch when it ends. */
async function rebasingIn(git: GitRunner, worktrees: readonly WorktreeInfo[], ref: string): Promise<string | undefined> {
  for (const wt of worktrees) {
    if (!wt.detached || wt.prunable) continue;
    const r = await git.run(['rev-parse', '--absolute-git-dir'], { cwd: wt.path });
    if (r.exitCode !== 0) continue;
    for (const dir of ['rebase-merge', 'rebase-apply']) {
      const head = await readFile(join(r.stdout.trim(), dir, 'head-name'), 'utf8').catch(() => '');
      if (head.trim() === ref) return wt.path;
    }
  }
  return undefined;
}

/**
 * Fast-forwards `branch` from `from` to `to` without ever overwriting anyone's work. A branch checked out
 * somewhere (typically the user's checkout) is advanced by `git merge --ff-only` there, only while its
 * tracked files are clean, so files and index follow as the user expects and git guards untracked files.
 * Otherwise the ref is moved with a compare-and-swap `update-ref`. Repeating a completed advance returns
 * `already`.
 */
export async function advanceBranch(git: GitRunner, root: string, options: AdvanceBranchOptions): Promise<AdvanceResult> {
  const ref = branchRef(options.branch);
  const from = await resolveCommit(git, root, options.from);
  const to = await resolveCommit(git, root, options.to);
  if (!from || !to) throw new Error(`advanceBranch: "${from ? options.to : options.from}" does not name a commit in ${root}`);
  if (!(await isAncestor(git, root, from, to))) {
    return { ok: false, reason: 'not-fast-forward', detail: `${to} does not descend from ${from}` };
  }
  const tip = await revParse(git, root, ref);
  if (tip === to || (tip && tip !== from && (await isAncestor(git, root, to, tip)))) return { ok: true, how: 'already' };
  const moved = (now: string | undefined): AdvanceResult => ({
    ok: false,
    reason: 'moved',
    detail: `${options.branch} is at ${now ?? '(missing)'}, expected ${from}`,
  });
  if (tip !== from) return moved(tip);

  const worktrees = await listWorktrees(git, root);
  const holder = worktrees.find((w) => w.branch === ref && !w.prunable && !w.bare);
  if (!holder) {
    const rebasing = await rebasingIn(git, worktrees, ref);
    if (rebasing) return { ok: false, reason: 'dirty', detail: `${options.branch} is being rebased in ${rebasing}` };
    const r = await git.run(['update-ref', '-m', 'orch: advance', ref, to, from], { cwd: root });
    if (r.exitCode === 0) return { ok: true, how: 'update-ref' };
    const now = await revParse(git, root, ref);
    if (now !== from) return moved(now);
    throw new GitError(r);
  }

  const checkout = holder.path;
  let changes = await statusPorcelain(git, checkout, { untracked: 'no' });
  // An earlier attempt at this same merge that died half-way (after the checkout, before the ref) is undone first.
  if (changes.length > 0 && (await undoHalfMerge(git, checkout, from, to))) changes = await statusPorcelain(git, checkout, { untracked: 'no' });
  if (changes.length > 0 && options.mayBeDirty) changes = await blocking(git, root, changes, from, to, options.mayBeDirty);
  if (changes.length > 0) {
    const paths = changes.map((c) => c.path);
    return { ok: false, reason: 'dirty', detail: `${checkout} has uncommitted changes: ${paths.slice(0, 10).join(', ')}`, paths };
  }
  // --no-autostash: a user's merge.autoStash must never stash and re-apply their edits made since the check.
  const r = await git.run(['merge', '--ff-only', '--no-autostash', '--no-verify-signatures', to], {
    cwd: checkout,
    env: identityEnv(git.identity),
  });
  const now = await revParse(git, root, ref);
  if (r.exitCode === 0) {
    if (now === to) return { ok: true, how: 'ff-checkout', worktree: checkout };
    if (now && (await isAncestor(git, root, to, now))) return { ok: true, how: 'already', worktree: checkout };
    return moved(now);
  }
  if (now !== from) return moved(now);
  await undoHalfMerge(git, checkout, from, to);
  const blocked = overwrittenPaths(r.stderr);
  if (blocked.length > 0) {
    return { ok: false, reason: 'dirty', detail: `merging in ${checkout} would overwrite: ${blocked.slice(0, 10).join(', ')}`, paths: blocked };
  }
  if (r.stderr.includes('index.lock')) {
    return { ok: false, reason: 'dirty', detail: `another git process is using ${checkout} (index.lock exists); try again` };
  }
  throw new GitError(r);
}

/** The changes that stop an advance from `from` to `to`: those not allowed, and allowed ones the advance touches. */
async function blocking(git: GitRunner, root: string, changes: StatusEntry[], from: string, to: string, allowed: (path: string) => boolean): Promise<StatusEntry[]> {
  const diff = await git.run(['diff', '--name-only', '--no-renames', '-z', from, to, '--'], { cwd: root });
  if (diff.exitCode !== 0) return changes;
  const touched = new Set(diff.stdout.split('\0').filter(Boolean));
  const free = (p: string | undefined): boolean => p === undefined || (allowed(p) && !touched.has(p));
  return changes.filter((c) => !(free(c.path) && free(c.origPath)));
}

/**
 * A fast-forward that failed after it checked out `to` but before it moved the branch (a hook refused the ref update,
 * git was killed, the disk filled up) leaves the checkout looking edited. When the index is exactly `to`'s tree, that
 * is our half-done merge: switch the files back to `from`. `read-tree -m -u` refuses to touch any file that differs
 * from the index, so an edit the user made meanwhile is never overwritten (the merge then waits for them instead).
 */
async function undoHalfMerge(git: GitRunner, checkout: string, from: string, to: string): Promise<boolean> {
  // Plumbing that only reads the index (write-tree would rewrite it).
  const same = await git.run(['diff-index', '--cached', '--quiet', to, '--'], { cwd: checkout });
  if (same.exitCode !== 0) return false;
  return (await git.run(['read-tree', '-m', '-u', to, from], { cwd: checkout })).exitCode === 0;
}
