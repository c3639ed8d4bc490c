import { randomUUID } from 'node:crypto';
import { copyFile, rm } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { commitTree } from './commit.js';
import { argSafe, gitDir, revParse, saveRef } from './refs.js';
import type { FileWrite, GitRunner } from './types.js';

/**
 * Runs `fn` with a private index file inside the git dir of `cwd`, so trees can be built without touching the
 * index or files of any checkout. The file is removed afterwards; a crash leaves only an `orch-index-*` file.
 */
export async function withTempIndex<T>(git: GitRunner, cwd: string, fn: (env: NodeJS.ProcessEnv, indexFile: string) => Promise<T>): Promise<T> {
  const indexFile = join(await gitDir(git, cwd), `orch-index-${randomUUID()}`);
  try {
    return await fn({ GIT_INDEX_FILE: indexFile }, indexFile);
  } finally {
    await rm(indexFile, { force: true });
    await rm(`${indexFile}.lock`, { force: true });
  }
}

export function checkRepoPath(path: string): string {
  const normal = posix.normalize(path);
  if (path === '' || path.includes('\\') || path.includes('\0') || posix.isAbsolute(path) || normal !== path || normal.startsWith('../') || normal === '..' || normal === '.' || path.split('/').includes('.git')) {
    throw new Error(`invalid repository path "${path}": expected a normalised relative path such as "docs/plans/README.md"`);
  }
  return path;
}

/** Writes `files` as blobs onto `baseTree` and returns the resulting tree; existing executable bits are kept. */
export async function writeFilesOntoTree(git: GitRunner, root: string, baseTree: string, files: readonly FileWrite[]): Promise<string> {
  if (files.length === 0) return baseTree;
  const paths = files.map((f) => checkRepoPath(f.path));
  const existing = await git.ok(['ls-tree', '-z', argSafe(baseTree, 'tree'), '--', ...paths], { cwd: root });
  const modes = new Map<string, string>();
  for (const record of existing.split('\0')) {
    const match = /^(\d+) (\w+) \w+\t(.*)$/s.exec(record);
    if (!match?.[3]) continue;
    if (match[2] !== 'blob') throw new Error(`cannot write file "${match[3]}": it is a ${match[2]} in tree ${baseTree}`);
    modes.set(match[3], match[1] === '100755' ? '100755' : '100644');
  }
  let indexInfo = '';
  for (const file of files) {
    const blob = (await git.ok(['hash-object', '-w', '--stdin'], { cwd: root, input: file.content })).trim();
    indexInfo += `${modes.get(file.path) ?? '100644'} ${blob}\t${file.path}\0`;
  }
  return withTempIndex(git, root, async (env) => {
    await git.ok(['read-tree', baseTree], { cwd: root, env });
    await git.ok(['update-index', '-z', '--index-info'], { cwd: root, env, input: indexInfo });
    return (await git.ok(['write-tree'], { cwd: root, env })).trim();
  });
}

/**
 * The tree of everything in a worktree as `git add -A` would stage it (tracked changes and untracked files,
 * minus ignored ones), computed on a copy of its index so neither the index nor the files change.
 */
export async function snapshotTree(git: GitRunner, worktreePath: string): Promise<{ tree: string; head: string | undefined }> {
  const head = await revParse(git, worktreePath, 'HEAD');
  const realIndex = resolve(worktreePath, (await git.ok(['rev-parse', '--git-path', 'index'], { cwd: worktreePath })).trim());
  const tree = await withTempIndex(git, worktreePath, async (env, indexFile) => {
    const copied = await copyFile(realIndex, indexFile).then(
      () => true,
      () => false,
    );
    if (!copied && head) await git.ok(['read-tree', head], { cwd: worktreePath, env });
    await git.ok(['add', '-A'], { cwd: worktreePath, env });
    return (await git.ok(['write-tree'], { cwd: worktreePath, env })).trim();
  });
  return { tree, head };
}

/**
 * Saves the worktree's uncommitted state (untracked files included) as a commit on top of its HEAD under
 * `refs/orch/saved/<id>`, leaving the worktree, its index and its branch untouched. Repeating it is harmless.
 */
export async function saveWorktree(git: GitRunner, root: string, worktreePath: string, ref: string): Promise<{ ref: string; sha: string }> {
  const { tree, head } = await snapshotTree(git, worktreePath);
  const headTree = head ? await revParse(git, root, `${head}^{tree}`) : undefined;
  const sha =
    head && tree === headTree
      ? head
      : await commitTree(git, root, { tree, parents: head ? [head] : [], message: `orch: save work in progress of ${worktreePath}\n` });
  return { ref: await saveRef(git, root, ref, sha), sha };
}
