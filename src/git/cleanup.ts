import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { branchRef, refsContaining, revParse } from './refs.js';
import { statusPorcelain } from './status.js';
import { snapshotTree } from './tree.js';
import { findWorktree, listWorktrees } from './worktrees.js';
import type { DeleteBranchResult, GitRunner, RemoveWorktreeResult } from './types.js';

async function refWithTree(git: GitRunner, root: string, tree: string): Promise<string | undefined> {
  const out = await git.ok(['for-each-ref', '--format=%(tree) %(refname)'], { cwd: root });
  const line = out.split('\n').find((l) => l.startsWith(`${tree} `));
  return line?.slice(tree.length + 1);
}

export interface RemoveWorktreeOptions {
  /** Discard unsaved work and ignore locks. Only for work the caller has decided to throw away. */
  force?: boolean;
}

/**
 * Removes a linked worktree unless that would lose work: uncommitted changes or untracked files not
 * captured by any ref (see saveWorktree), or a HEAD no ref reaches. Removing a missing worktree succeeds.
 */
export async function removeWorktree(git: GitRunner, root: string, path: string, options: RemoveWorktreeOptions = {}): Promise<RemoveWorktreeResult> {
  const target = resolve(root, path);
  const worktrees = await listWorktrees(git, root);
  const entry = await findWorktree(worktrees, target);
  if (!entry) {
    const present = await lstat(target).then(
      () => true,
      () => false,
    );
    if (present) return { ok: false, reason: 'not-a-worktree', detail: `${target} exists but is not a worktree of ${root}` };
    return { ok: true, removed: false };
  }
  if (entry === worktrees[0]) return { ok: false, reason: 'main-worktree', detail: `${target} is the main checkout` };
  if (!options.force) {
    if (entry.locked && entry.lockReason !== 'initializing') {
      return { ok: false, reason: 'locked', detail: `${target} is locked${entry.lockReason ? `: ${entry.lockReason}` : ''}` };
    }
    if (!entry.prunable) {
      const changes = await statusPorcelain(git, target);
      if (changes.length > 0) {
        const { tree } = await snapshotTree(git, target);
        if (!(await refWithTree(git, root, tree))) {
          const paths = changes.map((c) => c.path);
          return { ok: false, reason: 'dirty', detail: `${target} has unsaved changes: ${paths.slice(0, 10).join(', ')}`, paths };
        }
      }
    }
    if (entry.head && (await refsContaining(git, root, entry.head, undefined, 1)).length === 0) {
      return { ok: false, reason: 'unsaved-commits', detail: `HEAD ${entry.head} of ${target} is not reachable from any ref` };
    }
  }
  if (entry.prunable) {
    if (entry.locked) await git.ok(['worktree', 'unlock', entry.path], { cwd: root });
    await git.ok(['worktree', 'prune'], { cwd: root });
  } else {
    // Our own checks replace git's: a saved dirty worktree needs --force, a locked one a second --force.
    await git.ok(['worktree', 'remove', '--force', ...(entry.locked ? ['--force'] : []), entry.path], { cwd: root });
  }
  return { ok: true, removed: true };
}

export interface DeleteBranchOptions {
  /** Delete even if no other ref contains the tip (e.g. after a squash merge verified by trailer). */
  force?: boolean;
}

/** Deletes a branch unless it is checked out or its tip would become unreachable; deleting a missing branch succeeds. */
export async function deleteBranch(git: GitRunner, root: string, branch: string, options: DeleteBranchOptions = {}): Promise<DeleteBranchResult> {
  const ref = branchRef(branch);
  const tip = await revParse(git, root, ref);
  if (!tip) return { ok: true, deleted: false };
  const holder = (await listWorktrees(git, root)).find((w) => w.branch === ref && !w.prunable);
  if (holder) return { ok: false, reason: 'checked-out', detail: `${branch} is checked out at ${holder.path}` };
  if (!options.force && (await refsContaining(git, root, tip, ref, 1)).length === 0) {
    return { ok: false, reason: 'unmerged', detail: `tip ${tip} of ${branch} is not contained in any other ref; save it with saveRef first` };
  }
  await git.ok(['update-ref', '-m', 'orch: delete branch', '-d', ref, tip], { cwd: root });
  if (ref.startsWith('refs/heads/')) {
    // Branch config (upstream settings) goes with the branch, as with `git branch -D`; absence is fine.
    await git.run(['config', '--remove-section', `branch.${ref.slice('refs/heads/'.length)}`], { cwd: root });
  }
  return { ok: true, deleted: true };
}
