import { readdir, realpath, rm } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { removeWorktree } from './cleanup.js';
import { commitTree } from './commit.js';
import { gitDir, refsContaining, saveRef } from './refs.js';
import { statusPorcelain } from './status.js';
import { saveWorktree, withTempIndex } from './tree.js';
import { listWorktrees } from './worktrees.js';
import type { GitRunner } from './types.js';

/** A worktree (or a leftover directory) under Orch's worktrees root that no run owned, and what became of it. */
export interface ReapedWorktree {
  path: string;
  kind: 'worktree' | 'directory';
  /** Where its work was saved; null when it held nothing that was not already on a ref. */
  savedRef: string | null;
  removed: boolean;
  /** Why it was kept, when it was. */
  detail?: string;
}

const canonical = (p: string): Promise<string> => realpath(p).catch(() => resolve(p));

/** `refs/orch/saved/orphan-<name>`, with the name reduced to characters every ref accepts. */
export const orphanRefFor = (path: string): string =>
  `refs/orch/saved/orphan-${basename(path).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'unnamed'}`;

/**
 * Finds worktrees under `dir` (Orch's worktrees root for this repository) that no run owns, and plain directories
 * there that are not worktrees at all (a half-created worktree, a directory moved aside), and removes them. Work is
 * never lost: uncommitted changes, untracked files and commits no other ref reaches are saved first under
 * `refs/orch/saved/orphan-<name>`. Worktrees outside `dir` (the user's own) are never touched.
 */
export async function reapOrphanWorktrees(git: GitRunner, root: string, dir: string, owned: Iterable<string>): Promise<ReapedWorktree[]> {
  const base = await canonical(dir);
  const entries = await readdir(base, { withFileTypes: true }).catch(() => []);
  if (entries.length === 0) return [];
  const mine = new Set(await Promise.all([...owned].map(canonical)));
  const out: ReapedWorktree[] = [];
  const listed = await listWorktrees(git, root);
  const known = new Set<string>();
  for (const w of listed.slice(1)) {
    const path = await canonical(w.path);
    known.add(path);
    if (!path.startsWith(base + sep) || mine.has(path) || w.prunable) continue;
    if (w.locked && w.lockReason === 'initializing') continue; // half-made: handled as a directory below
    out.push(await reapWorktree(git, root, path, w.head, w.branch));
  }
  for (const e of entries) {
    const path = join(base, e.name);
    if (!e.isDirectory() || known.has(path) || mine.has(path)) continue;
    out.push(await reapDirectory(git, root, path));
  }
  return out;
}

async function reapWorktree(git: GitRunner, root: string, path: string, head: string | undefined, branch: string | undefined): Promise<ReapedWorktree> {
  const ref = orphanRefFor(path);
  const dirty = (await statusPorcelain(git, path)).length > 0;
  // Commits that only this worktree's branch (or detached HEAD) reaches are work too.
  const others = head ? (await refsContaining(git, root, head, branch, 3)).filter((r) => r !== ref) : [];
  let savedRef: string | null = null;
  if (dirty || (head && others.length === 0)) savedRef = (await saveWorktree(git, root, path, ref)).ref;
  const r = await removeWorktree(git, root, path);
  return r.ok ? { path, kind: 'worktree', savedRef, removed: true } : { path, kind: 'worktree', savedRef, removed: false, detail: `${r.reason}: ${r.detail}` };
}

async function reapDirectory(git: GitRunner, root: string, path: string): Promise<ReapedWorktree> {
  const files = await readdir(path).catch(() => []);
  let savedRef: string | null = null;
  const content = files.filter((f) => f !== '.git');
  if (content.length > 0) {
    // Not a worktree: snapshot its files into a commit through a private index, then keep that commit by a ref.
    const gd = await gitDir(git, root);
    const tree = await withTempIndex(git, root, async (env) => {
      await git.ok(['--git-dir', gd, '--work-tree', path, 'add', '-A', '--', '.'], { cwd: path, env });
      return (await git.ok(['write-tree'], { cwd: root, env })).trim();
    });
    const sha = await commitTree(git, root, { tree, parents: [], message: `orch: save the files of ${path}, a directory no run owned\n` });
    savedRef = await saveRef(git, root, orphanRefFor(path), sha);
  }
  await rm(path, { recursive: true, force: true });
  return { path, kind: 'directory', savedRef, removed: true };
}
