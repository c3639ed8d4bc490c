import { z } from 'zod';
import { Workflow } from './workflow.js';
import { ClusterStatus } from './cluster.js';
import { AgentEvent, ReviewReason } from './agent.js';

/** Wire shapes of the daemon's HTTP API and event stream. Clients (CLI, TUI, web) import only this folder. */

export const TaskStatus = z.enum(['not_started', 'in_progress', 'complete', 'failed', 'needs_review']);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const RunState = z.enum([
  'queued',
  'preparing',
  'spawning',
  'running',
  /** No agent process: waits for an answer, guidance (stuck) or a retry delay; holds its worktree and session. */
  'waiting',
  'agent_done',
  'committed',
  'merging',
  'cleanup',
  'done',
  'failed',
  'stopped',
]);
export type RunState = z.infer<typeof RunState>;
export const terminalRunStates: readonly RunState[] = ['done', 'failed', 'stopped'];

export const Task = z.object({
  id: z.string(),
  module: z.string(),
  epic: z.number().int(),
  title: z.string(),
  description: z.string(),
  status: TaskStatus,
  statusNote: z.string().nullable(),
  priority: z.enum(['high', 'medium', 'low']),
  dependsOn: z.array(z.string()),
  ready: z.boolean(),
  /** Dependencies not complete yet: what the task waits for. */
  waitingFor: z.array(z.string()),
  needsReview: z.boolean(),
  touches: z.array(z.string()),
  agent: z.string().nullable(),
  model: z.string().nullable(),
  /** Its workflow (`code -> review -> test`): frontmatter `workflow:`, else `[workflow] default` (only `GET /api/task`). */
  workflow: z.string().optional(),
  file: z.string(),
  removed: z.boolean(),
  /** Where each dependency came from (only `GET /api/task`): the previous epic, `depends_on`, or the text. */
  dependencySources: z.array(z.object({ id: z.string(), kind: z.enum(['implicit', 'frontmatter', 'prose']), line: z.number() })).optional(),
});
export type Task = z.infer<typeof Task>;

export const Usage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  costUsd: z.number(),
});
export type Usage = z.infer<typeof Usage>;

/** One of the project's own commands (`commands.build|test|lint`) run on a finished change. */
export const Verification = z.object({
  kind: z.enum(['build', 'test', 'lint']),
  ok: z.boolean(),
  command: z.string(),
  exitCode: z.number().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number(),
  /** The last lines of its output. */
  outputTail: z.string(),
});
export type Verification = z.infer<typeof Verification>;

export const Run = z.object({
  id: z.string(),
  taskId: z.string(),
  batchId: z.string().nullable(),
  state: RunState,
  attempt: z.number(),
  branch: z.string(),
  worktree: z.string(),
  targetBranch: z.string(),
  backend: z.string(),
  sessionId: z.string().nullable(),
  pid: z.number().nullable(),
  commitSha: z.string().nullable(),
  mergeCommit: z.string().nullable(),
  savedRef: z.string().nullable(),
  prNumber: z.number().nullable(),
  prUrl: z.string().nullable(),
  waitingReason: z.string().nullable(),
  error: z.string().nullable(),
  usage: Usage,
  /** The project's build/test/lint commands run on the change after the agent finished; null when none ran. */
  verification: z.array(Verification).nullable(),
  /** Its workflow steps (G5: code -> review -> test) with each one's status; null for the plain `code` workflow. */
  workflow: Workflow.nullable().optional(),
  /** What a running agent is doing now when it is not working (its CLI retrying the API); live, not stored. */
  activity: z.string().nullable().optional(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  createdAt: z.string(),
});
export type Run = z.infer<typeof Run>;

export const PlanIssue = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  file: z.string(),
  line: z.number(),
  message: z.string(),
  fix: z.string(),
});
export type PlanIssue = z.infer<typeof PlanIssue>;

/**
 * A run of a task the sync found removed from the plan: `stopped` (its work on `branch` and `savedRef`), `stopping`
 * (busy in a step; stops at the next, never merges), `merging` (its merge was under way), `merged` (before the sync).
 */
export const RemovedRun = z.object({
  taskId: z.string(),
  runId: z.string(),
  outcome: z.enum(['stopped', 'stopping', 'merging', 'merged']),
  branch: z.string(),
  savedRef: z.string(),
  mergeCommit: z.string().nullable().optional(),
});
export type RemovedRun = z.infer<typeof RemovedRun>;

export const SyncResult = z.object({
  ok: z.boolean(),
  tasks: z.number(),
  modules: z.number(),
  added: z.array(z.string()),
  updated: z.array(z.string()),
  removed: z.array(z.string()),
  issues: z.array(PlanIssue),
  durationMs: z.number(),
  /** Runs of the removed tasks, and what became of them. */
  removedRuns: z.array(RemovedRun).optional(),
  /** The plan README's status table, when this sync created, extended or pruned it (`written: false` when it could not). */
  statusTable: z
    .object({ path: z.string(), created: z.boolean(), added: z.array(z.string()), written: z.boolean(), /** Rows of epics removed from the plan. */ dropped: z.array(z.string()).optional(), /** Rows pointed at their epic's renamed file. */ relinked: z.array(z.object({ id: z.string(), from: z.string(), to: z.string() })).optional(), /** Stale duplicate rows removed by `orch sync --fix` (the file each linked). */ deduplicated: z.array(z.object({ id: z.string(), from: z.string() })).optional() })
    .optional(),
});
export type SyncResult = z.infer<typeof SyncResult>;

export const StartRequest = z.strictObject({
  tasks: z.array(z.string()).default([]),
  module: z.string().optional(),
  count: z.number().int().positive().optional(),
  /** A daily task file (P4) to run as one batch: absolute, or relative to the repository root. */
  daily: z.string().optional(),
  /** A named batch (a schedule's `[[batch]] name`, or a daily task file's date). */
  name: z.string().optional(),
  /** This batch's budget in USD (`budget_usd`, or a daily task file's `max_cost_usd`). */
  budgetUsd: z.number().positive().optional(),
  /** After this instant the batch starts nothing new and winds down (`max_duration`). */
  deadline: z.string().optional(),
});
export type StartRequest = z.input<typeof StartRequest>;

/** `orch maintain <kind> [--module M]`: a maintenance task (A3) on one module or the whole repository. */
export const MaintainRequest = z.strictObject({
  kind: z.string().min(1),
  module: z.string().optional(),
});
export type MaintainRequest = z.input<typeof MaintainRequest>;

export const Batch = z.object({
  id: z.string(),
  scope: z.object({ tasks: z.array(z.string()), module: z.string().optional() }),
  maxTasks: z.number().nullable(),
  started: z.number(),
  state: z.enum(['active', 'finished', 'stopped']),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  name: z.string().nullable(),
  budgetUsd: z.number().nullable(),
  deadline: z.string().nullable(),
});
export type Batch = z.infer<typeof Batch>;

export const StartResponse = z.object({
  batch: Batch,
  started: z.array(z.object({ taskId: z.string(), runId: z.string() })),
  /** Tasks named in the request that could not start now, with why. */
  skipped: z.array(z.object({ taskId: z.string(), reason: z.string() })),
  /** What the user should know before the runs end: the target's checkout holds uncommitted changes. */
  warnings: z.array(z.string()).optional(),
});
export type StartResponse = z.infer<typeof StartResponse>;

export const BatchReport = z.object({
  batch: Batch,
  runs: z.array(Run),
  merged: z.array(z.string()),
  failed: z.array(z.string()),
  /** Runs that wait for a person: a review, an answer, guidance. */
  needsHuman: z.array(z.object({ taskId: z.string(), reason: z.string() })),
  /** Whether any run of the batch is still working without a person. */
  busy: z.boolean(),
  done: z.boolean(),
});
export type BatchReport = z.infer<typeof BatchReport>;

export const Status = z.object({
  project: z.object({ root: z.string(), key: z.string(), targetBranch: z.string(), plansDir: z.string() }),
  daemon: z.object({ pid: z.number(), port: z.number(), startedAt: z.string(), version: z.string() }),
  counts: z.record(TaskStatus, z.number()),
  ready: z.number(),
  maxParallel: z.number(),
  /** `orch pause` is in effect: nothing new starts until `orch resume`. */
  paused: z.boolean(),
  active: z.array(Run),
  /** What waits and why: runs whose merge waits, and tasks held back (e.g. their agent CLI is missing). */
  waiting: z.array(z.object({ runId: z.string().nullable(), taskId: z.string(), reason: z.string() })),
  batches: z.array(Batch),
  totals: Usage,
  /** Since local midnight on the daemon's clock: merged and failed runs, tokens and spend of the runs live today. */
  today: z.object({ merged: z.number(), failed: z.number(), tokens: z.number(), costUsd: z.number() }).optional(),
  lastSync: z.object({ at: z.string(), ok: z.boolean(), issues: z.number() }).nullable(),
  /** The config files as last read cannot be used (file:line: key: problem): the daemon runs with the config it had. */
  configError: z.string().optional(),
  /** The worker pool, when `[cluster]` is configured. */
  cluster: ClusterStatus.optional(),
  /**
   * The seq of the newest event in the store: a client that has applied a later one talks to a daemon that lost
   * its history (a new state directory) and reloads instead of waiting for seqs that will not come.
   */
  lastSeq: z.number().optional(),
  /**
   * The seq of the oldest event the store still holds (it keeps the newest daemon.events_kept): a client whose last
   * applied seq is below firstSeq - 1 missed events that no replay brings back, and reloads.
   */
  firstSeq: z.number().optional(),
});
export type Status = z.infer<typeof Status>;

export const LogEntry = z.object({
  t: z.string(),
  s: z.enum(['out', 'err', 'orch']),
  /** The line as the agent printed it (empty with `?events=1` when `e` holds what it said). */
  l: z.string(),
  /** With `?events=1`: what the run's backend parser read in an `out` line (view/lines.ts makes it readable). */
  e: z.array(AgentEvent).optional(),
});
export type LogEntry = z.infer<typeof LogEntry>;

/** The event stream's shapes (`Event`, `EventType`, one payload per type) are in events.ts. */

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;


/** `GET /api/daemon`: what the daemon runs with, for clients to tell when it is out of date. */
export const DaemonState = z.object({
  pid: z.number(),
  version: z.string(),
  /** Started by a read-only command: serves reads, resumes no agent until a command asks for work. */
  passive: z.boolean(),
  fingerprint: z.object({ env: z.record(z.string(), z.string()), config: z.record(z.string(), z.string()) }),
  /** The warnings of the config the daemon runs with (`file:line: unknown key ...`), for every command to repeat. */
  configWarnings: z.array(z.string()).optional(),
  /** The config files as last read cannot be used (file:line: key: problem): the daemon runs with the config it had. */
  configError: z.string().optional(),
});
export type DaemonState = z.infer<typeof DaemonState>;

export const Health = z.object({
  ok: z.literal(true),
  pid: z.number(),
  root: z.string(),
  version: z.string(),
  startedAt: z.string(),
  /**
   * `GET /api/health?state=1`: the daemon's state too (as `GET /api/daemon`), so a command learns in one round trip
   * that the daemon answers and whether it is out of date (issue 12).
   */
  state: DaemonState.optional(),
});
export type Health = z.infer<typeof Health>;

/** `POST /api/reload`: settings applied in place, and those that need `orch daemon restart`. */
export const ReloadResult = z.object({ applied: z.array(z.string()), restart: z.array(z.string()), error: z.string().optional() });
export type ReloadResult = z.infer<typeof ReloadResult>;

/** `POST /api/shutdown`: the tasks whose agents were ended (they resume on the next start). */
export const ShutdownResult = z.object({ ok: z.literal(true), ended: z.array(z.string()) });
export type ShutdownResult = z.infer<typeof ShutdownResult>;

/** The daemon file (mode 0600) in the project's state dir: how clients find and authenticate to the daemon. */
export const DaemonInfo = z.object({
  pid: z.number(),
  host: z.string(),
  port: z.number(),
  token: z.string(),
  root: z.string(),
  version: z.string(),
  startedAt: z.string(),
});
export type DaemonInfo = z.infer<typeof DaemonInfo>;

/** What an agent tells Orch through its MCP server (A7): done, stuck, or a question for a human or for Orch. */
export const SignalKind = z.enum(['done', 'stuck', 'question']);
export type SignalKind = z.infer<typeof SignalKind>;

export const SignalRequest = z.strictObject({
  kind: SignalKind,
  text: z.string().min(1).max(20_000),
  /** For questions: who should answer. */
  audience: z.enum(['human', 'orchestrator']).optional(),
});
export type SignalRequest = z.infer<typeof SignalRequest>;

export const Signal = z.object({
  id: z.string(),
  runId: z.string(),
  taskId: z.string(),
  kind: SignalKind,
  text: z.string(),
  audience: z.enum(['human', 'orchestrator']).nullable(),
  answer: z.string().nullable(),
  answeredBy: z.string().nullable(),
  createdAt: z.string(),
  answeredAt: z.string().nullable(),
});
export type Signal = z.infer<typeof Signal>;

/** Who answered is the authenticated caller, never a field of the body. */
export const AnswerRequest = z.strictObject({ answer: z.string().min(1).max(20_000) });
export type AnswerRequest = z.input<typeof AnswerRequest>;

/** Request bodies of the remaining POST routes. Every body is validated (unknown keys refused) before it reaches the engine. */
const TaskId = z.string().min(1).max(200);
export const EmptyRequest = z.strictObject({});
/** `orch sync`; `fix` removes stale duplicate rows of the plan status table (never a row holding anything another lacks). */
export const SyncRequest = z.strictObject({ fix: z.boolean().optional() });
export type SyncRequest = z.input<typeof SyncRequest>;
export const StopRequest = z.strictObject({ tasks: z.array(TaskId).max(10_000).optional() });
export type StopRequest = z.input<typeof StopRequest>;
export const PauseRequest = z.strictObject({ tasks: z.array(TaskId).max(10_000).optional() });
export type PauseRequest = z.input<typeof PauseRequest>;
export const ResumeRequest = z.strictObject({ task: TaskId.optional(), guidance: z.string().max(20_000).optional() });
export type ResumeRequest = z.input<typeof ResumeRequest>;
/** Who approved is the authenticated caller, never a field of the body. */
export const MergeRequest = z.strictObject({ task: TaskId });
export type MergeRequest = z.input<typeof MergeRequest>;
/** `orch budget raise KEY VALUE`: the engine checks the key and the value's meaning. */
export const BudgetRaiseRequest = z.strictObject({ key: z.string().min(1).max(100), value: z.union([z.string().max(100), z.number()]) });
export type BudgetRaiseRequest = z.input<typeof BudgetRaiseRequest>;
export const ScheduleRunRequest = z.strictObject({ name: z.string().min(1).max(100) });
export type ScheduleRunRequest = z.input<typeof ScheduleRunRequest>;

/** `/api/health` without credentials: alive, nothing more (no pid, path or version for a stranger). */
export const HealthAlive = z.object({ ok: z.literal(true) });
export type HealthAlive = z.infer<typeof HealthAlive>;

/** One budget (O3) against what its scope spent: `limit` 0 = none set; `configured` when `orch budget raise` changed it. */
export const BudgetLine = z.object({
  key: z.enum(['task_usd', 'task_tokens', 'batch_usd', 'daily_usd', 'daily_tokens']),
  scope: z.enum(['task', 'batch', 'day']),
  id: z.string(),
  unit: z.enum(['usd', 'tokens']),
  spent: z.number(),
  limit: z.number(),
  state: z.enum(['ok', 'warning', 'exceeded']),
  unpriced: z.number(),
  configured: z.number().optional(),
});
export type BudgetLine = z.infer<typeof BudgetLine>;

/** `GET /api/budget` (`orch budget --json`); `POST /api/budget/raise` adds `resumed`. */
export const BudgetStatus = z.object({
  timezone: z.string(),
  day: z.string(),
  lines: z.array(BudgetLine),
  resumed: z.array(z.string()).optional(),
});
export type BudgetStatus = z.infer<typeof BudgetStatus>;

/** A change that waits for a person's review (W6), with why it was flagged. `GET /api/reviews`. */
export const ReviewItem = z.object({
  taskId: z.string(),
  run: Run,
  decision: z.object({ category: z.string(), flagged: z.boolean(), reasons: z.array(ReviewReason) }),
});
export type ReviewItem = z.infer<typeof ReviewItem>;


/** A `[[batch]]` of schedule.toml with its next run (`GET /api/schedule`, `orch batch list --json`). */
export const ScheduleEntry = z.object({
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  maxTasks: z.number().nullable(),
  maxDurationMin: z.number().nullable(),
  notifyOnComplete: z.union([z.boolean(), z.array(z.string())]),
  module: z.string().nullable(),
  tasks: z.array(z.string()),
  budgetUsd: z.number().nullable(),
  file: z.string(),
  next: z.string().nullable(),
  last: z.string().nullable(),
});
export type ScheduleEntry = z.infer<typeof ScheduleEntry>;

export const ScheduleList = z.object({
  batches: z.array(ScheduleEntry),
  problems: z.array(z.object({ file: z.string(), line: z.number(), key: z.string(), message: z.string(), fix: z.string() })),
});
export type ScheduleList = z.infer<typeof ScheduleList>;
