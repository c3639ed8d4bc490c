import { lstat, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { argSafe, branchExists, branchRef, gitDir, revParse } from './refs.js';
import type { GitRunner, WorktreeHandle, WorktreeInfo } from './types.js';

/** Parses `git worktree list --porcelain -z`: `key[ value]` fields, records ended by an empty field. */
export function parseWorktreesZ(out: string): WorktreeInfo[] {
  const worktrees: WorktreeInfo[] = [];
  let current: WorktreeInfo | undefined;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (current) worktrees.push(current);
      current = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? undefined : field.slice(space + 1);
    if (key === 'worktree') {
      current = { path: value ?? '', head: undefined, branch: undefined, detached: false, bare: false, locked: false, prunable: false };
      continue;
    }
    if (!current) continue;
    switch (key) {
      case 'HEAD':
        current.head = value;
        break;
      case 'branch':
        current.branch = value;
        break;
      case 'detached':
        current.detached = true;
        break;
      case 'bare':
        current.bare = true;
        break;
      case 'locked':
        current.locked = true;
        if (value !== undefined) current.lockReason = value;
        break;
      case 'prunable':
        current.prunable = true;
        if (value !== undefined) current.prunableReason = value;
        break;
      default:
        break;
    }
  }
  if (current) worktrees.push(current);
  return worktrees;
}

export async function listWorktrees(git: GitRunner, root: string): Promise<WorktreeInfo[]> {
  return parseWorktreesZ(await git.ok(['worktree', 'list', '--porcelain', '-z'], { cwd: root }));
}

async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

export async function findWorktree(worktrees: readonly WorktreeInfo[], path: string): Promise<WorktreeInfo | undefined> {
  const wanted = await canonical(path);
  for (const wt of worktrees) {
    if (wt.path === path || (await canonical(wt.path)) === wanted) return wt;
  }
  return undefined;
}

/** Path of the live checkout (the main one included) that has `branch` checked out. */
export async function worktreeForBranch(git: GitRunner, root: string, branch: string): Promise<string | undefined> {
  const ref = branchRef(branch);
  const wt = (await listWorktrees(git, root)).find((w) => w.branch === ref && !w.prunable && !w.bare);
  return wt?.path;
}

/**
 * Removes `index.lock` and `HEAD.lock` older than `olderThanMs` from the git dir of `worktreePath`. Only for
 * checkouts Orch owns, and only when the caller knows no git process of its own is running there.
 */
export async function clearStaleLocks(git: GitRunner, worktreePath: string, olderThanMs: number): Promise<string[]> {
  const dir = await gitDir(git, worktreePath);
  const removed: string[] = [];
  for (const name of ['index.lock', 'HEAD.lock']) {
    const file = join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (!info || Date.now() - info.mtimeMs < olderThanMs) continue;
    await rm(file, { force: true });
    removed.push(file);
  }
  return removed;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Renames whatever occupies `path` so `git worktree add` can use it; nothing is deleted. */
async function moveAside(path: string): Promise<string | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory() && (await readdir(path)).length === 0) return undefined;
  const aside = `${path}.orch-stale-${Date.now()}`;
  await rename(path, aside);
  return aside;
}

export interface EnsureWorktreeOptions {
  path: string;
  branch: string;
  /** Where a new branch starts; ignored when the branch exists. */
  base: string;
  /** Clear lock files older than this in an existing worktree (see clearStaleLocks). */
  staleLockMs?: number;
}

/**
 * Makes `path` a worktree with `branch` checked out, whatever state a previous, interrupted call left:
 * an existing worktree is returned, a deleted or half-created one is pruned and recreated, an existing
 * branch is checked out rather than recreated, and foreign content at `path` is moved aside, not deleted.
 */
export async function ensureWorktree(git: GitRunner, root: string, options: EnsureWorktreeOptions): Promise<WorktreeHandle> {
  const path = resolve(root, options.path);
  const branch = argSafe(options.branch.replace(/^refs\/heads\//, ''), 'branch');
  const ref = branchRef(branch);
  let movedAside: string | undefined;
  let entry = await findWorktree(await listWorktrees(git, root), path);
  // `git worktree add` locks a new worktree as "initializing" until its checkout is complete.
  if (entry && (entry.prunable || (entry.locked && entry.lockReason === 'initializing'))) {
    if (entry.locked) await git.ok(['worktree', 'unlock', path], { cwd: root });
    movedAside = await moveAside(path);
    await git.ok(['worktree', 'prune'], { cwd: root });
    entry = undefined;
  }
  if (entry) {
    if (entry.branch !== ref) {
      throw new Error(`${path} is already a worktree on ${entry.branch ?? 'a detached HEAD'}, expected ${ref}`);
    }
    const head = await revParse(git, path, 'HEAD');
    if (!head) throw new Error(`worktree ${path} has no commit checked out`);
    const clearedLocks = options.staleLockMs === undefined ? undefined : await clearStaleLocks(git, path, options.staleLockMs);
    return { path, branch, head, created: false, ...(clearedLocks ? { clearedLocks } : {}) };
  }
  await git.ok(['worktree', 'prune'], { cwd: root });
  const holder = (await listWorktrees(git, root)).find((w) => w.branch === ref);
  if (holder) throw new Error(`branch ${branch} is already checked out at ${holder.path}; cannot add a worktree for it at ${path}`);
  if (await exists(path)) movedAside = (await moveAside(path)) ?? movedAside;
  const args = (await branchExists(git, root, branch))
    ? ['worktree', 'add', path, branch]
    : ['worktree', 'add', '--no-track', '-b', branch, path, argSafe(options.base, 'base')];
  await git.ok(args, { cwd: root });
  const head = await revParse(git, path, 'HEAD');
  if (!head) throw new Error(`worktree ${path} was added but has no HEAD`);
  return { path, branch, head, created: true, ...(movedAside ? { movedAside } : {}) };
}
