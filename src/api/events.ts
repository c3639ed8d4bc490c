import { z } from 'zod';
import { AgentEvent, ReviewReason } from './agent.js';
import { RunState, Signal, TaskStatus, Usage, Verification } from './schemas.js';
import { WorkflowStepName, WorkflowStepStatus } from './workflow.js';

/**
 * The daemon's event stream (`GET /api/events`, SSE): one payload schema per event type. The engine's `emit` is typed
 * by `EventData<T>`, clients parse with `Event` and narrow on `type`. To add an event type, add one entry to
 * `eventPayloads`; `EventType`, `Event` and `EventData` follow from it.
 */

/**
 * task.status: the new status plus why. Exactly one of the optional groups is set by each emitter: `error` (failed),
 * `note` (stopped), `held`+`by` (a file or merge hold), `blocked` (agent CLI missing), `maintenance`, `category`+`reasons`
 * (flagged for review), `mergeCommit` (merged), `continuesRun`+`branch`+`resumesSession` (a stopped run continued).
 */
const TaskStatusData = z.object({
  status: TaskStatus,
  error: z.string().optional(),
  note: z.string().optional(),
  held: z.string().optional(),
  by: z.string().optional(),
  blocked: z.string().optional(),
  maintenance: z.string().optional(),
  category: ReviewReason.shape.category.optional(),
  reasons: z.array(ReviewReason).optional(),
  mergeCommit: z.string().nullable().optional(),
  continuesRun: z.string().optional(),
  branch: z.string().optional(),
  resumesSession: z.string().nullable().optional(),
});

/** run.waiting: a run waits (reason), or `orch pause` paused runs (no task: `paused` lists the tasks, `all` for a global pause). */
const RunWaitingData = z.union([
  z.object({ reason: z.string() }),
  z.object({ paused: z.array(z.string()), all: z.boolean() }),
]);

/** budget.warning (75%) and budget.exceeded: which budget, for what (task id, batch id or day), spent against limit. */
const BudgetData = z.object({
  key: z.enum(['task_usd', 'task_tokens', 'batch_usd', 'daily_usd', 'daily_tokens']),
  scope: z.enum(['task', 'batch', 'day']),
  id: z.string(),
  unit: z.enum(['usd', 'tokens']),
  spent: z.number(),
  limit: z.number(),
  /** Runs with tokens but no known price: counted in tokens, not in money. */
  unpriced: z.number(),
  /** What happened and what to do, for people. */
  message: z.string(),
});

export const eventPayloads = {
  sync: z.object({ ok: z.boolean(), added: z.number(), updated: z.number(), removed: z.array(z.string()), issues: z.number() }),
  'task.status': TaskStatusData,
  'run.state': z.object({ from: RunState, to: RunState, error: z.string().nullable() }),
  /** Usage of the run so far; `live` marks an unpersisted mid-turn update. */
  'run.usage': Usage.extend({ live: z.boolean().optional() }),
  'run.verified': z.object({ results: z.array(Verification.omit({ outputTail: true })) }),
  /** Live only (seq 0): dropped for slow clients; the run log has everything. */
  'run.output': z.object({ event: AgentEvent }),
  'run.waiting': RunWaitingData,
  /** A workflow step (G5) started or decided: `round` counts the times it sent the change back to the coder. */
  'run.step': z.object({ step: WorkflowStepName, status: WorkflowStepStatus, round: z.number(), agent: z.string().nullable(), summary: z.string().nullable() }),
  /** The agent CLI retries an API call by itself; `text` is what people read ("retrying API: overloaded (1/10)"). */
  'run.retry': z.object({ attempt: z.number(), max: z.number().nullable(), delayMs: z.number().nullable(), status: z.number().nullable(), message: z.string(), text: z.string() }),
  'run.signal': z.object({ signal: Signal }),
  'run.question': z.object({ signal: Signal }),
  'run.answer': z.object({ signal: Signal }),
  'batch.started': z.object({ batchId: z.string(), scope: z.object({ tasks: z.array(z.string()), module: z.string().optional() }), maxTasks: z.number().nullable() }),
  'batch.finished': z.object({ batchId: z.string() }),
  /** A scheduled batch (schedule.toml) whose time came and that did not run: the daemon was down past its window, or it could not start. */
  'batch.missed': z.object({ name: z.string(), due: z.string(), reason: z.string() }),
  'budget.warning': BudgetData,
  /** `overshoot`: how far the turn that crossed the line went past it. */
  'budget.exceeded': BudgetData.extend({ overshoot: z.number() }),
  'daemon.started': z.object({}),
  'daemon.stopping': z.object({}),
  'worktree.orphan': z.object({
    path: z.string(),
    kind: z.enum(['worktree', 'directory']),
    savedRef: z.string().nullable(),
    removed: z.boolean(),
    detail: z.string().optional(),
  }),
} as const;

type Payloads = typeof eventPayloads;
export type EventType = keyof Payloads & string;
export const EventType = z.enum(Object.keys(eventPayloads) as [EventType, ...EventType[]]);
export type EventData<T extends EventType> = z.infer<Payloads[T]>;

const envelope = { seq: z.number(), ts: z.string(), taskId: z.string().nullable(), runId: z.string().nullable() };
const variant = <T extends EventType>(type: T) => z.object({ ...envelope, type: z.literal(type), data: eventPayloads[type] });
type Variant<T extends EventType> = ReturnType<typeof variant<T>>;

const variants = (Object.keys(eventPayloads) as EventType[]).map((t) => variant(t)) as unknown as [Variant<EventType>, ...Array<Variant<EventType>>];

/** One event of the stream; `seq` 0 marks a live (unpersisted, not replayable) event. Narrow on `type`. */
export const Event = z.discriminatedUnion('type', variants) as unknown as z.ZodType<AnyEvent>;
export type EventOf<T extends EventType> = { seq: number; ts: string; taskId: string | null; runId: string | null; type: T; data: EventData<T> };
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];
export type Event = AnyEvent;

/** Builds an event; the only way the daemon makes one, so its payload is checked against its type. */
export const makeEvent = <T extends EventType>(seq: number, ts: string, type: T, taskId: string | null, runId: string | null, data: EventData<T>): EventOf<T> => ({
  seq,
  ts,
  type,
  taskId,
  runId,
  data,
});
