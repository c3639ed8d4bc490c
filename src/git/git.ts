import { advanceBranch, type AdvanceBranchOptions } from './advance.js';
import { deleteBranch, removeWorktree, type DeleteBranchOptions, type RemoveWorktreeOptions } from './cleanup.js';
import { commitAll, type CommitAllOptions } from './commit.js';
import { commitFilesOnto, squashMerge, type CommitFilesOntoOptions, type SquashMergeOptions } from './merge.js';
import * as refs from './refs.js';
import { createRunner, type CreateGitOptions } from './run.js';
import { isClean, statusPorcelain, type StatusOptions } from './status.js';
import { saveWorktree } from './tree.js';
import { clearStaleLocks, ensureWorktree, listWorktrees, worktreeForBranch, type EnsureWorktreeOptions } from './worktrees.js';
import type {
  AdvanceResult,
  CommitAllResult,
  CommitOntoResult,
  DeleteBranchResult,
  GitRunner,
  RemoveWorktreeResult,
  SquashMergeResult,
  StatusEntry,
  WorktreeHandle,
  WorktreeInfo,
} from './types.js';

/**
 * Git for the daemon. Every path argument is absolute (or resolved against `root`); `root` may be any
 * checkout of the repository. Expected failures are returned as values; GitError means something broke.
 */
export interface Git extends GitRunner {
  repoRoot(cwd: string): Promise<string | undefined>;
  gitDir(cwd: string): Promise<string>;
  defaultBranch(root: string): Promise<string | undefined>;
  revParse(root: string, ref: string): Promise<string | undefined>;
  isAncestor(root: string, a: string, b: string): Promise<boolean>;
  branchExists(root: string, branch: string): Promise<boolean>;
  currentBranchOf(worktreePath: string): Promise<string | undefined>;
  listWorktrees(root: string): Promise<WorktreeInfo[]>;
  worktreeForBranch(root: string, branch: string): Promise<string | undefined>;
  statusPorcelain(worktreePath: string, options?: StatusOptions): Promise<StatusEntry[]>;
  isClean(worktreePath: string, options?: { ignoreUntracked?: boolean }): Promise<boolean>;
  readFileAt(root: string, ref: string, path: string): Promise<string | undefined>;
  containsCommitWithTrailer(root: string, branch: string, key: string, value: string, options?: { limit?: number }): Promise<string | undefined>;

  ensureWorktree(root: string, options: EnsureWorktreeOptions): Promise<WorktreeHandle>;
  clearStaleLocks(worktreePath: string, olderThanMs: number): Promise<string[]>;
  removeWorktree(root: string, path: string, options?: RemoveWorktreeOptions): Promise<RemoveWorktreeResult>;
  saveRef(root: string, ref: string, sha: string): Promise<string>;
  saveWorktree(root: string, worktreePath: string, ref: string): Promise<{ ref: string; sha: string }>;
  deleteBranch(root: string, branch: string, options?: DeleteBranchOptions): Promise<DeleteBranchResult>;

  commitAll(worktreePath: string, message: string, options?: CommitAllOptions): Promise<CommitAllResult>;
  squashMerge(root: string, options: SquashMergeOptions): Promise<SquashMergeResult>;
  commitFilesOnto(root: string, options: CommitFilesOntoOptions): Promise<CommitOntoResult>;
  advanceBranch(root: string, options: AdvanceBranchOptions): Promise<AdvanceResult>;
}

export function createGit(options: CreateGitOptions = {}): Git {
  const r = createRunner(options);
  return {
    ...r,
    repoRoot: (cwd) => refs.repoRoot(r, cwd),
    gitDir: (cwd) => refs.gitDir(r, cwd),
    defaultBranch: (root) => refs.defaultBranch(r, root),
    revParse: (root, ref) => refs.revParse(r, root, ref),
    isAncestor: (root, a, b) => refs.isAncestor(r, root, a, b),
    branchExists: (root, branch) => refs.branchExists(r, root, branch),
    currentBranchOf: (path) => refs.currentBranchOf(r, path),
    listWorktrees: (root) => listWorktrees(r, root),
    worktreeForBranch: (root, branch) => worktreeForBranch(r, root, branch),
    statusPorcelain: (path, opts) => statusPorcelain(r, path, opts),
    isClean: (path, opts) => isClean(r, path, opts),
    readFileAt: (root, ref, path) => refs.readFileAt(r, root, ref, path),
    containsCommitWithTrailer: (root, branch, key, value, opts) => refs.containsCommitWithTrailer(r, root, branch, key, value, opts),
    ensureWorktree: (root, opts) => ensureWorktree(r, root, opts),
    clearStaleLocks: (path, ms) => clearStaleLocks(r, path, ms),
    removeWorktree: (root, path, opts) => removeWorktree(r, root, path, opts),
    saveRef: (root, ref, sha) => refs.saveRef(r, root, ref, sha),
    saveWorktree: (root, path, ref) => saveWorktree(r, root, path, ref),
    deleteBranch: (root, branch, opts) => deleteBranch(r, root, branch, opts),
    commitAll: (path, message, opts) => commitAll(r, path, message, opts),
    squashMerge: (root, opts) => squashMerge(r, root, opts),
    commitFilesOnto: (root, opts) => commitFilesOnto(r, root, opts),
    advanceBranch: (root, opts) => advanceBranch(r, root, opts),
  };
}
