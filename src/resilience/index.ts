// Resilience: what failed and whether to retry, backoff, a circuit per backend, stuck runs, and safety checks.
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { createCircuitBreaker, type BreakerState, type CircuitBreaker, type CircuitBreakerOptions } from './breaker.js';
export { classifyFailure, type ClassifyOptions, type FailureClass } from './classify.js';
export { checkWorktreeHistory, snapshotRemoteRefs, type CheckHistoryOptions, type RemoteRefs } from './history.js';
export { checkToolCalls, type CheckToolCallsOptions, type SafetyRule, type Violation } from './safety.js';
export { shellCommandOf, splitCommandLine, type Word } from './shell.js';
export {
  countTestFailures,
  createStuckDetector,
  isTestCommand,
  testRuns,
  trailingTestFailures,
  type StuckDetector,
  type StuckDetectorOptions,
  type TestRun,
} from './stuck.js';
