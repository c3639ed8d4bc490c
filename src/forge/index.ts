// The forge: where branches become pull requests. GitHub today; the local forge lives in the engine.
export type {
  CheckState,
  ChecksSummary,
  FailingCheck,
  Forge,
  MergeOptions,
  MergeResult,
  PreflightResult,
  PullRequestInfo,
  PullRequestInput,
  PullRequestRef,
  RetryOptions,
} from './types.js';
export { ForgeError } from './errors.js';
export { createGitHubForge, type GitHubForgeOptions } from './github/forge.js';
export { combineChecks, type CheckRunLike, type StatusLike } from './github/checks.js';
export { retryPlan, type RetryEvent } from './github/client.js';
export { discoverToken, isGitHubDotCom, tokenVariables, type DiscoverTokenOptions, type TokenResult, type TokenSource } from './token.js';
export { checkRemote, hostOfBaseUrl, parseRemoteUrl, remoteMayGetCredentials, repositoryFromRemote, type RemoteRepository, type RepositoryResult } from './remote.js';
export { pushBranch, type PushBranchOptions, type PushResult } from './push.js';
