/** What Orch needs from a code host. One implementation per forge (GitHub today). */
export interface Forge {
  readonly kind: 'github';
  /** Before any run starts: the token works and may push to the repository. */
  preflight(): Promise<PreflightResult>;
  /** Finds the open (or already merged) pull request for `head`, creating one only when there is none. */
  findOrCreatePullRequest(input: PullRequestInput): Promise<PullRequestRef>;
  getPullRequest(number: number): Promise<PullRequestInfo>;
  /** Replaces the body of a pull request (new test results after a fix, a rebase). */
  updatePullRequestBody(number: number, body: string): Promise<void>;
  /** Check runs and commit statuses of `sha`, combined. */
  checksFor(sha: string): Promise<ChecksSummary>;
  addLabels(number: number, labels: readonly string[]): Promise<void>;
  comment(number: number, body: string): Promise<void>;
  mergePullRequest(number: number, options: MergeOptions): Promise<MergeResult>;
  /** Deletes the remote branch; a branch that is already gone counts as deleted. */
  deleteBranch(branch: string): Promise<{ deleted: boolean }>;
  closeIssue(number: number, comment?: string): Promise<void>;
}

export type PreflightResult = { ok: true; login: string; scopes?: string[] } | { ok: false; problem: string; fix: string };

export interface PullRequestInput {
  /** Branch name in the same repository (not `owner:branch`). */
  head: string;
  base: string;
  title: string;
  body: string;
  draft?: boolean;
}

export interface PullRequestRef {
  number: number;
  url: string;
  /** False when an existing pull request for this head was found. */
  created: boolean;
  headSha: string;
  /** `merged` when the only pull request for this head was already merged: nothing left to open. */
  state: 'open' | 'merged';
}

export interface PullRequestInfo {
  number: number;
  url: string;
  state: 'open' | 'closed' | 'merged';
  /** Null while GitHub is still computing mergeability. */
  mergeable: boolean | null;
  headSha: string;
  headRef: string;
  baseRef: string;
  labels: string[];
  mergeCommitSha?: string;
}

export type CheckState = 'pending' | 'success' | 'failure' | 'none';

export interface FailingCheck {
  name: string;
  summary?: string;
  url?: string;
}

export interface ChecksSummary {
  state: CheckState;
  failing: FailingCheck[];
  /** Names still queued or running. */
  pending: string[];
  /** How many check runs and statuses were seen. */
  total: number;
}

export interface MergeOptions {
  method: 'squash' | 'merge' | 'rebase';
  /** Head sha the caller saw green; GitHub refuses the merge when the head moved since. */
  sha?: string;
  title?: string;
  message?: string;
}

export type MergeResult = { merged: true; sha: string; message: string } | { merged: false; message: string; reason: 'not-mergeable' | 'head-moved' | 'conflict' | 'forbidden' };

export interface RetryOptions {
  /** Retries per request after the first attempt. Default 4. */
  maxRetries: number;
  /** Epoch milliseconds. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}
