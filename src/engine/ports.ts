import type { AgentBackend, Contain } from '../agents/index.js';
import type { Violation } from '../resilience/index.js';

export type RebaseOutcome =
  | { ok: true; head: string; skipped: string[] }
  | { ok: false; conflicts: Array<{ path: string; hunks: string }>; commit: string };

/** What the engine needs from git, bound to one repository. Every call is idempotent and safe to repeat. */
export interface RepoPort {
  readonly root: string;
  revParse(ref: string): Promise<string | undefined>;
  branchExists(name: string): Promise<boolean>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  ensureWorktree(opts: { path: string; branch: string; base: string }): Promise<void>;
  worktreeExists(path: string): Promise<boolean>;
  commitAll(path: string, message: string): Promise<{ committed: boolean; sha: string }>;
  squashMerge(opts: {
    target: string;
    source: string;
    message: string;
    extraFiles?: Array<{ path: string; content: string }>;
    trailers?: Record<string, string>;
  }): Promise<{ ok: true; commit: string; empty?: boolean } | { ok: false; conflicts: string[]; message: string }>;
  commitFilesOnto(opts: { target: string; files: Array<{ path: string; content: string }>; message: string }): Promise<string>;
  /** `mayBeDirty`: uncommitted paths the user may keep in the checkout while it fast-forwards, if the advance does not touch them. */
  advanceBranch(opts: { branch: string; from: string; to: string; mayBeDirty?: (path: string) => boolean }): Promise<
    { ok: true; how: string } | { ok: false; reason: 'moved' | 'dirty' | 'not-fast-forward'; detail: string }
  >;
  findTrailer(branch: string, key: string, value: string): Promise<string | undefined>;
  readFileAt(ref: string, path: string): Promise<string | undefined>;
  /** Files under `dir` (repository-relative) that differ from HEAD in the repository's own checkout: edited, staged or new. */
  uncommittedFiles(dir: string): Promise<string[]>;
  /** The checkout that has `branch` checked out, with its uncommitted changes to tracked files; undefined when none has. */
  checkoutOf(branch: string): Promise<{ path: string; dirty: string[] } | undefined>;
  /**
   * Rebases the worktree's branch onto `onto` (real `git rebase`). A conflicting replay of a plan status commit
   * (`chore(plan): complete ...`) is dropped, since it is regenerated; any other conflict stays in progress.
   */
  rebase(worktree: string, onto: string): Promise<RebaseOutcome>;
  /** Stages the resolution and continues the rebase in progress. */
  continueRebase(worktree: string): Promise<RebaseOutcome>;
  /** Whether a rebase is in progress in the worktree. */
  rebasing(worktree: string): Promise<boolean>;
  abortRebase(worktree: string): Promise<void>;
  /** Tracked files in the worktree that still hold conflict markers. */
  conflictMarkers(worktree: string): Promise<string[]>;
  /** Files a worktree changes against `base`: committed, staged, unstaged and untracked (not ignored). */
  changedFiles(worktree: string, base: string): Promise<string[]>;
  /** Back to HEAD exactly: tracked changes reverted, untracked (not ignored) files removed. Only for what Orch's own commands left. */
  restoreWorktree(worktree: string): Promise<void>;
  /** `git diff --find-renames base head`, for review routing. */
  diff(base: string, head: string): Promise<string>;
  saveRef(ref: string, sha: string): Promise<void>;
  removeWorktree(path: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  deleteBranch(name: string): Promise<void>;
  clearStaleLocks(): Promise<void>;
  /**
   * Worktrees (and leftover directories) under `dir` that no run owns: their work saved to
   * `refs/orch/saved/orphan-<name>` when they have any, then removed.
   */
  reapOrphanWorktrees(dir: string, owned: Iterable<string>): Promise<Array<{ path: string; kind: 'worktree' | 'directory'; savedRef: string | null; removed: boolean; detail?: string }>>;
  /** After a crash: prune worktree records whose directories are gone or half-made, clear stale locks. */
  repair(): Promise<void>;
  /** Remote-tracking refs now, to tell afterwards whether an agent pushed. */
  snapshotRemoteRefs(): Promise<ReadonlyMap<string, string>>;
  /** What an agent did to its branch that it must not: rewrite the base, leave the branch, push. */
  checkHistory(o: { worktree: string; baseSha: string; branch: string; remoteRefs: ReadonlyMap<string, string> }): Promise<Violation[]>;
}

export interface ProcessPort {
  isAlive(pid: number): boolean;
  isOurs(pid: number, runId: string): Promise<boolean>;
  killGroup(pgid: number, graceMs: number): Promise<void>;
}

/** A configured agent, resolved from a task's `agent:` (a name under [agents] or a backend id) or a role. */
export interface ResolvedAgent {
  name: string;
  backendId: string;
  backend: AgentBackend;
  model: string | null;
  systemPrompt: string | null;
  /** The child environment, sanitised: what the agent may see of the daemon's environment plus its config env. */
  env: Record<string, string>;
}

/** Throws an Error naming the unknown agent and the known ones. */
export type BackendFor = (agent: string | null) => ResolvedAgent;

/** Where a contained process runs: a run's worktree (`runId` set: its git dirs come along) or a scratch dir. */
export interface ContainPlace {
  cwd: string;
  backendId?: string;
  runId?: string;
  /** The worktree read-only (the reviewer). */
  readOnly?: boolean;
}

/** OS containment for one agent or project command; undefined when sandboxing is off. */
export type ContainFor = (place: ContainPlace) => Contain | undefined;

export const RUN_ENV_KEY = 'ORCH_RUN_ID';

/** A forge that takes finished branches as pull requests (W4). Absent in local mode. */
export interface ForgePort {
  readonly kind: string;
  /** Token, scopes, repository, remote: checked before any run starts. */
  preflight(): Promise<{ ok: true; detail: string } | { ok: false; problem: string; fix: string }>;
  /** Fetches the target from the remote; the sha of its remote-tracking ref. */
  fetchTarget(target: string): Promise<string | undefined>;
  push(branch: string): Promise<{ ok: true; sha: string } | { ok: false; detail: string }>;
  ensurePr(o: { head: string; base: string; title: string; body: string }): Promise<{ number: number; url: string; state: 'open' | 'merged' }>;
  updatePrBody(number: number, body: string): Promise<void>;
  pr(number: number): Promise<{ state: 'open' | 'closed' | 'merged'; mergeable: boolean | null; headSha: string; mergeCommitSha?: string }>;
  checks(sha: string): Promise<{ state: 'pending' | 'success' | 'failure' | 'none'; failing: Array<{ name: string; summary?: string; url?: string }> }>;
  addLabels(number: number, labels: string[]): Promise<void>;
  merge(number: number, o: { sha: string; title: string }): Promise<{ merged: true; sha: string } | { merged: false; reason: string; message: string }>;
  deleteBranch(branch: string): Promise<void>;
  /** A link to a file on the target branch, for PR bodies. */
  fileUrl(target: string, path: string): string;
}
