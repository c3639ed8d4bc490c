import { emptyUsage, type AgentEvent, type Usage } from '../agents/index.js';
import type { Emit } from './emit.js';
import type { RunRow, Store } from '../store/index.js';

/**
 * Live metering of one agent turn (A6). CLIs report usage in two shapes: per API message, repeated on every
 * line of that message (Claude's `assistant` lines carry `message.usage`; keyed, the latest count wins), and per
 * step or turn (OpenCode `step_finish`, Codex `turn.completed`; unkeyed, summed). The final `result` usage, when
 * there is one, is the CLI's own total for the turn and replaces the estimate.
 */
export function createTurnMeter() {
  const keyed = new Map<string, Usage>();
  let summed = emptyUsage();
  let final: { usage: Usage; costUsd: number } | undefined;

  const add = (a: Usage, b: Usage): Usage => ({
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  });
  const max = (a: Usage, b: Usage): Usage => ({
    inputTokens: Math.max(a.inputTokens, b.inputTokens),
    outputTokens: Math.max(a.outputTokens, b.outputTokens),
    cacheReadTokens: Math.max(a.cacheReadTokens, b.cacheReadTokens),
    cacheWriteTokens: Math.max(a.cacheWriteTokens, b.cacheWriteTokens),
  });

  return {
    /** True when the event moved the meter. */
    see(e: AgentEvent): boolean {
      if (e.type === 'usage') {
        if (final) return false;
        if (e.key === undefined) summed = add(summed, e.usage);
        else keyed.set(e.key, max(keyed.get(e.key) ?? emptyUsage(), e.usage));
        return true;
      }
      if (e.type === 'result' && e.usage) {
        final = { usage: e.usage, costUsd: e.costUsd ?? 0 };
        return true;
      }
      return false;
    },
    /** Tokens so far this turn, and the cost when the CLI has reported it. */
    get total(): { usage: Usage; costUsd: number; final: boolean } {
      if (final) return { ...final, final: true };
      let u = summed;
      for (const k of keyed.values()) u = add(u, k);
      return { usage: u, costUsd: 0, final: false };
    },
  };
}

export type TurnMeter = ReturnType<typeof createTurnMeter>;

/** Token counts of a run before the current agent turn. */
export type UsageBefore = { i: number; o: number; cr: number; cw: number; c: number };

/** The run's totals after this turn's `usage` and `costUsd`. */
export const usageFields = (b: UsageBefore, usage: Usage, costUsd: number): Pick<RunRow, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'costUsd'> => ({
  inputTokens: b.i + usage.inputTokens,
  outputTokens: b.o + usage.outputTokens,
  cacheReadTokens: b.cr + usage.cacheReadTokens,
  cacheWriteTokens: b.cw + usage.cacheWriteTokens,
  costUsd: b.c + costUsd,
});

export const usageBefore = (run: RunRow): UsageBefore => ({ i: run.inputTokens, o: run.outputTokens, cr: run.cacheReadTokens, cw: run.cacheWriteTokens, c: run.costUsd });

/** Adds a turn's usage (a reviewer's, a tester's, the planner's) to the run's totals, and says the new totals. */
export const chargeRun = (store: Store, emit: Emit, run: RunRow, u: Usage, costUsd: number): RunRow => {
  const next = store.runs.update(run.id, usageFields(usageBefore(run), u, costUsd));
  emit('run.usage', next.taskId, next.id, { inputTokens: next.inputTokens, outputTokens: next.outputTokens, cacheReadTokens: next.cacheReadTokens, cacheWriteTokens: next.cacheWriteTokens, costUsd: next.costUsd });
  return next;
};

/**
 * Writes a turn's usage on its run while the agent works (A6 live): at most once per `intervalMs`, always the
 * final count, with a `run.usage` event (not stored) for followers carrying the run's totals.
 */
export function createLiveUsage(o: {
  update: (runId: string, fields: Partial<RunRow>) => unknown;
  emit: Emit;
  runId: string;
  taskId: string;
  before: UsageBefore;
  intervalMs?: number;
}) {
  const meter = createTurnMeter();
  let last = 0;
  return {
    see(e: AgentEvent): void {
      if (!meter.see(e)) return;
      const now = Date.now();
      // Only the final count or a due write sums the turn's messages.
      if (e.type !== 'result' && now - last < (o.intervalMs ?? 1000)) return;
      last = now;
      const { usage, costUsd, final } = meter.total;
      const fields = usageFields(o.before, usage, costUsd);
      o.update(o.runId, fields);
      // The run's usage so far (earlier turns included, as the event says), not this turn's: a resumed run's
      // followers would see its tokens and cost fall back when its next turn began.
      if (!final) o.emit('run.usage', o.taskId, o.runId, { ...fields, live: true }, false);
    },
    /** What the turn's messages reported so far (an interrupted turn has no final count of its own). */
    get total(): { usage: Usage; costUsd: number } {
      return meter.total;
    },
  };
}

/**
 * The turn's usage to record: the CLI's own count, but never less than what was metered live: a turn ended by a
 * pause, a stop or a timeout reports nothing, and its tokens were still spent (budgets must see them).
 */
export function turnUsage(reported: Usage, reportedCost: number, live: { usage: Usage; costUsd: number }): { usage: Usage; costUsd: number } {
  return {
    usage: {
      inputTokens: Math.max(reported.inputTokens, live.usage.inputTokens),
      outputTokens: Math.max(reported.outputTokens, live.usage.outputTokens),
      cacheReadTokens: Math.max(reported.cacheReadTokens, live.usage.cacheReadTokens),
      cacheWriteTokens: Math.max(reported.cacheWriteTokens, live.usage.cacheWriteTokens),
    },
    costUsd: Math.max(reportedCost, live.costUsd),
  };
}
