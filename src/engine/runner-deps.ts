import type { Redactor } from '../secrets/index.js';
import type { AgentRunRequest } from '../agents/index.js';
import type { Verdict } from './judge.js';
import type { Config } from '../config/index.js';
import type { Signal, Verification } from '../api/index.js';
import type { Emit } from './emit.js';
import type { RunRow, Store } from '../store/index.js';
import type { ModuleInfo } from '../plans/index.js';
import type { TemplateDirs } from './prompt.js';
import type { Writeback } from './writeback.js';
import type { PlanSource } from '../sources/index.js';
import type { BackendFor, ContainFor, ForgePort, ProcessPort, RepoPort, ResolvedAgent } from './ports.js';
import type { WorkflowConfig } from '../config/workflow-schema.js';
import type { Mutex } from './mutex.js';

/** What a step of a run asks of the driver: go on to the next state, or stop driving (wait for an event). */
export type StepResult = 'continue' | 'wait' | 'stop';

/** What drives runs is made of: the store, git, agents, the forge, and the engine's callbacks. */
export interface RunnerDeps {
  store: Store;
  repo: RepoPort;
  procs: ProcessPort;
  backendFor: BackendFor;
  writeback: Writeback;
  targetMutex: Mutex;
  logsDir: string;
  /** The daemon's own log, for a run log that cannot be written. */
  daemonLog?: (msg: string) => void;
  redact?: Redactor;
  plansDir: string;
  readme: boolean;
  epicMarker: boolean;
  /** Every plan source: those that keep a task's status in repository files (Backlog.md) add them to status commits. */
  sources?: readonly PlanSource[];
  /** `[plan] status_commits`: "merge-only" writes no 🟡 start mark and no reset on the target, only the merge. */
  statusCommits?: 'start-and-merge' | 'merge-only';
  commitTemplate: string;
  agentTimeoutMs: number;
  modules: () => ModuleInfo[];
  templateDirs: TemplateDirs;
  /** O5: the `{{lessons}}` of a coder prompt for a task of this module, "" for none. */
  lessons?: (module: string) => string;
  review: Config['review'];
  /** Runs the project's build/test/lint commands in a worktree; undefined or [] when none are configured. */
  verify?: (worktree: string, signal?: AbortSignal) => Promise<Verification[]>;
  /** `[workflow]` (G5): the steps after the coder, their agents, models and limits. */
  workflow?: WorkflowConfig;
  /** The agent of a workflow role: the reviewer read-only, the tester with write tools. Throws when not configured. */
  workflowAgent?: (role: 'reviewer' | 'tester') => ResolvedAgent;
  /** The project's test command as one line, for the tester's prompt. */
  testCommand?: string;
  /** The read-only reviewer agent ([review] reviewer_agent), when one is configured. */
  reviewerAgent?: () => ResolvedAgent;
  /** GitHub and friends; undefined in local mode. */
  forge?: ForgePort;
  forgeCfg: Config['forge'];
  mcpFor?: (run: RunRow) => AgentRunRequest['mcp'];
  /** The sandbox of each agent process; undefined = none. */
  containFor?: ContainFor;
  /** Watches the shared .git (hooks, config) across a turn; the check undoes and describes what changed. */
  guardFor?: (run: RunRow) => (() => string[]) | undefined;
  /**
   * O3: why a run may not start another agent turn (a budget of its task, batch or day is spent), or undefined. A
   * turn after the one that crossed the line (a fix of failing checks, a retry, a restart) waits for a raise.
   */
  turnHold?: (run: RunRow) => string | undefined;
  maxRetries: number;
  maxTestFailures: number;
  stuckMs: number;
  /** Output or token movement of a run's agent (stuck detection); `ended` when its process is gone. */
  onActivity: (runId: string, ended?: boolean) => void;
  /** Every finished agent turn, for the per-backend circuit breaker. */
  onTurnEnd: (backendId: string, verdict: Verdict) => void;
  emit: Emit;
  /** Called when a run reaches a terminal state or merged: the scheduler looks for new work. */
  onSettled: () => void;
  /** The answer prompt for a question of this turn answered after the agent stopped waiting in its tool call. */
  undeliveredAnswer?: (signals: Signal[]) => string | undefined;
}
