export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  command: string[];
  durationMs: number;
  /** Set when the process was ended by a signal (exitCode is then -1). */
  signal?: NodeJS.Signals | null;
  timedOut?: boolean;
  canceled?: boolean;
}

export class GitError extends Error {
  readonly command: string[];
  readonly exitCode: number;
  readonly stderr: string;
  constructor(result: GitResult, options?: { cause?: unknown }) {
    const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
    super(`Command failed with exit code ${result.exitCode}: git ${result.command.join(' ')}${tail ? `\n${tail}` : ''}`, options);
    this.name = 'GitError';
    this.command = result.command;
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
  }
}

export interface RunOptions {
  /** Absolute working directory; relative paths are rejected so nothing depends on process.cwd(). */
  cwd: string;
  /** Explicit variables for this call, applied after sanitising (GIT_INDEX_FILE is allowed here). */
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Exit codes `ok` treats as success; `run` never throws on an exit code. Default [0]. */
  allowedExitCodes?: readonly number[];
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * A call that talks to a remote (fetch, push): the environment keeps the forge and credential variables a
   * credential helper may read (GITHUB_TOKEN, GH_TOKEN, ...); a list keeps only the variables of those names.
   * Every other git call runs without any secret.
   */
  credentials?: boolean | readonly string[];
}

export interface Identity {
  name: string;
  email: string;
}

export interface GitRunner {
  readonly binary: string;
  /** Identity for commits Orch makes (author and committer unless a call overrides the author). */
  readonly identity: Identity;
  run(args: readonly string[], options: RunOptions): Promise<GitResult>;
  /** Like run, but throws GitError unless the exit code is allowed; returns stdout. */
  ok(args: readonly string[], options: RunOptions): Promise<string>;
}

export interface WorktreeInfo {
  path: string;
  /** Undefined for a bare repository or an unborn branch. */
  head: string | undefined;
  /** Full ref, e.g. `refs/heads/main`; undefined when detached or bare. */
  branch: string | undefined;
  detached: boolean;
  bare: boolean;
  locked: boolean;
  lockReason?: string;
  prunable: boolean;
  prunableReason?: string;
}

export interface StatusEntry {
  path: string;
  /** Source path of a rename or copy. */
  origPath?: string;
  /** Index (staged) status code, `X` of `XY`. */
  index: string;
  /** Worktree status code, `Y` of `XY`. */
  worktree: string;
  untracked: boolean;
  ignored: boolean;
}

export interface FileWrite {
  /** Repository-relative path with forward slashes. */
  path: string;
  content: string;
}

export interface WorktreeHandle {
  path: string;
  branch: string;
  head: string;
  created: boolean;
  /** A non-worktree directory that sat at `path` and was renamed here instead of being deleted. */
  movedAside?: string;
  /** Stale lock files removed (only when `staleLockMs` was given). */
  clearedLocks?: string[];
}

export type RemoveWorktreeResult =
  | { ok: true; removed: boolean }
  | { ok: false; reason: 'dirty' | 'unsaved-commits' | 'locked' | 'not-a-worktree' | 'main-worktree'; detail: string; paths?: string[] };

export type DeleteBranchResult =
  | { ok: true; deleted: boolean }
  | { ok: false; reason: 'checked-out' | 'unmerged'; detail: string };

export type SquashMergeResult =
  | { ok: true; commit: string; tree: string; parent: string; empty: boolean }
  | { ok: false; conflicts: string[]; message: string };

export interface CommitOntoResult {
  /** The new commit, or the target tip when `empty`. */
  commit: string;
  tree: string;
  parent: string;
  empty: boolean;
}

export type AdvanceResult =
  | { ok: true; how: 'update-ref' | 'ff-checkout' | 'already'; worktree?: string }
  | { ok: false; reason: 'moved' | 'dirty' | 'not-fast-forward'; detail: string; paths?: string[] };

export interface CommitAllResult {
  committed: boolean;
  sha: string;
}
