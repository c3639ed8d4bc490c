// Two equivalent faces: free functions taking a GitRunner first, and `createGit()` which binds them.
export { createGit, type Git } from './git.js';
export { createRunner, ORCH_IDENTITY, gitEnv, type CreateGitOptions } from './run.js';
export {
  branchExists,
  branchRef,
  containsCommitWithTrailer,
  currentBranchOf,
  defaultBranch,
  noDefaultBranchReason,
  gitDir,
  isAncestor,
  readFileAt,
  repoRoot,
  repoPlace,
  resolveCommit,
  revParse,
  saveRef,
} from './refs.js';
export { isClean, parseStatusZ, statusPorcelain, type StatusOptions } from './status.js';
export {
  clearStaleLocks,
  ensureWorktree,
  findWorktree,
  listWorktrees,
  parseWorktreesZ,
  worktreeForBranch,
  type EnsureWorktreeOptions,
} from './worktrees.js';
export { deleteBranch, removeWorktree, type DeleteBranchOptions, type RemoveWorktreeOptions } from './cleanup.js';
export { saveWorktree, snapshotTree } from './tree.js';
export { orphanRefFor, reapOrphanWorktrees, type ReapedWorktree } from './orphans.js';
export { commitAll, withTrailers, type CommitAllOptions } from './commit.js';
export { commitFilesOnto, parseMergeTreeZ, squashMerge, type CommitFilesOntoOptions, type SquashMergeOptions } from './merge.js';
export { abortRebase, conflictBlocks, continueRebase, rebasingBranch, startRebase, type ConflictHunk, type RebaseOptions, type RebaseResult } from './rebase.js';
export { advanceBranch, type AdvanceBranchOptions } from './advance.js';
export {
  GitError,
  type AdvanceResult,
  type CommitAllResult,
  type CommitOntoResult,
  type DeleteBranchResult,
  type FileWrite,
  type GitResult,
  type GitRunner,
  type Identity,
  type RemoveWorktreeResult,
  type RunOptions,
  type SquashMergeResult,
  type StatusEntry,
  type WorktreeHandle,
  type WorktreeInfo,
} from './types.js';
export { identityEnv } from './commit.js';
