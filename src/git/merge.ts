import { commitTree, withTrailers } from './commit.js';
import { branchRef, resolveCommit, revParse } from './refs.js';
import { writeFilesOntoTree } from './tree.js';
import { GitError, type CommitOntoResult, type FileWrite, type GitRunner, type Identity, type SquashMergeResult } from './types.js';

export interface MergeTreeOutput {
  tree: string;
  conflicts: string[];
  messages: string[];
}

/**
 * Parses `git merge-tree --write-tree --name-only -z`: `<tree>\0`, then conflicted paths each followed by
 * `\0`, an empty field, then messages as `<n>\0<path>\0...<type>\0<message>\0`.
 */
export function parseMergeTreeZ(out: string): MergeTreeOutput | undefined {
  const fields = out.split('\0');
  const tree = fields[0];
  if (!tree || !/^[0-9a-f]{40,64}$/.test(tree)) return undefined;
  const conflicts = new Set<string>();
  let i = 1;
  for (; i < fields.length && fields[i] !== ''; i++) conflicts.add(fields[i] as string);
  const messages: string[] = [];
  for (i++; i < fields.length; ) {
    const count = Number(fields[i]);
    if (!Number.isInteger(count) || fields[i] === '') break;
    const message = fields[i + count + 2];
    if (message !== undefined) messages.push(message.trimEnd());
    i += count + 3;
  }
  return { tree, conflicts: [...conflicts], messages };
}

export interface SquashMergeOptions {
  /** Branch the result is meant for; it is not moved. */
  target: string;
  /** Branch or commit whose changes are squashed. */
  source: string;
  message: string;
  /** Files written into the same commit (e.g. the plan README's status table). */
  extraFiles?: readonly FileWrite[];
  trailers?: Record<string, string>;
  author?: Identity;
}

/** A full commit id pins the exact tip the caller read; anything else is a branch name. */
const targetRev = (target: string): string => (/^[0-9a-f]{40}$/.test(target) ? target : branchRef(target));

async function mustResolve(git: GitRunner, root: string, rev: string, what: string): Promise<string> {
  const sha = await resolveCommit(git, root, rev);
  if (!sha) throw new Error(`${what} "${rev}" does not name a commit in ${root}`);
  return sha;
}

/**
 * Builds the squash of `source` onto `target` as a dangling commit whose only parent is the target tip,
 * without touching any working tree or index. The caller advances the branch (see advanceBranch).
 * `empty` means the source adds nothing to the target (already merged): no commit is made.
 */
export async function squashMerge(git: GitRunner, root: string, options: SquashMergeOptions): Promise<SquashMergeResult> {
  const parent = await mustResolve(git, root, targetRev(options.target), 'target');
  const source = await mustResolve(git, root, options.source, 'source');
  const r = await git.run(['merge-tree', '--write-tree', '--name-only', '-z', parent, source], { cwd: root });
  const parsed = r.exitCode === 0 || r.exitCode === 1 ? parseMergeTreeZ(r.stdout) : undefined;
  if (!parsed) throw new GitError(r);
  if (r.exitCode === 1) {
    const message = parsed.messages.filter((m) => m.startsWith('CONFLICT')).join('\n') || r.stderr.trim();
    return { ok: false, conflicts: parsed.conflicts, message };
  }
  const targetTree = await revParse(git, root, `${parent}^{tree}`);
  if (parsed.tree === targetTree) return { ok: true, commit: parent, tree: parsed.tree, parent, empty: true };
  const tree = await writeFilesOntoTree(git, root, parsed.tree, options.extraFiles ?? []);
  const commit = await commitTree(git, root, {
    tree,
    parents: [parent],
    message: withTrailers(options.message, options.trailers),
    ...(options.author ? { author: options.author } : {}),
  });
  return { ok: true, commit, tree, parent, empty: false };
}

export interface CommitFilesOntoOptions {
  target: string;
  files: readonly FileWrite[];
  message: string;
  trailers?: Record<string, string>;
  author?: Identity;
}

/** A commit on top of the target tip that writes `files`, built off-index; the branch is not moved. */
export async function commitFilesOnto(git: GitRunner, root: string, options: CommitFilesOntoOptions): Promise<CommitOntoResult> {
  const parent = await mustResolve(git, root, targetRev(options.target), 'target');
  const parentTree = await revParse(git, root, `${parent}^{tree}`);
  if (!parentTree) throw new Error(`commit ${parent} has no tree`);
  const tree = await writeFilesOntoTree(git, root, parentTree, options.files);
  if (tree === parentTree) return { commit: parent, tree, parent, empty: true };
  const commit = await commitTree(git, root, {
    tree,
    parents: [parent],
    message: withTrailers(options.message, options.trailers),
    ...(options.author ? { author: options.author } : {}),
  });
  return { commit, tree, parent, empty: false };
}
