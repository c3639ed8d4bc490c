import { ownString, type AgentEvent, type AgentOutcome } from '../agents/index.js';
import type { Signal } from '../api/index.js';
import { backoffDelay, checkToolCalls, classifyFailure, trailingTestFailures, type Violation } from '../resilience/index.js';

export type Verdict =
  | { kind: 'done' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'fail'; error: string; transient: boolean }
  | { kind: 'wait'; reason: string };

export interface JudgeInput {
  outcome: AgentOutcome;
  events: readonly AgentEvent[];
  /** Signals the agent sent during this turn. */
  signals: readonly Signal[];
  retries: number;
  maxRetries: number;
  maxTestFailures: number;
  worktree: string;
  taskId: string;
  /** Violations git found in the worktree's history (rewritten base, wrong branch, pushes). */
  historyViolations: readonly Violation[];
}

const describe = (v: readonly Violation[]): string => v.map((x) => `${x.rule}: ${x.detail}`).join('; ');

/** What a finished agent turn means for its run: merge it, retry it, park it for a human, or fail it. */
export function judgeTurn(i: JudgeInput): Verdict {
  // A call the CLI itself refused (its deny-list did its job) is not something the agent did.
  const refused = new Set(i.events.filter((e) => e.type === 'tool_result' && e.isError && /denied|blocked|not allowed|permission/i.test(e.output)).map((e) => (e.type === 'tool_result' ? e.id : '')));
  const done = i.events.filter((e) => !(e.type === 'tool_call' && refused.has(e.id)));
  const violations = [...checkToolCalls(done, { worktree: i.worktree }), ...i.historyViolations];
  if (violations.length > 0) return { kind: 'fail', error: `safety rules broken: ${describe(violations)}`, transient: false };
  if (!i.outcome.ok) {
    // Killed from outside (OOM killer, a stray kill -9): the session is intact, so resume it like a transient failure.
    const killed = i.outcome.signal !== null && !i.outcome.canceled;
    const c = killed ? { kind: 'transient' as const, reason: `the agent process was killed by ${i.outcome.signal}`, retryAfterMs: undefined } : classifyFailure(i.outcome, i.events);
    const error = i.outcome.error ?? `agent failed with exit code ${String(i.outcome.exitCode)}`;
    // Retries do not multiply: a CLI that already retried the API by itself (Claude Code up to 10 times) gets at
    // most one more try from Orch, and none when the endpoint did not answer at all (a wrong base URL, a dead gateway).
    const cliRetries = i.events.filter((e) => e.type === 'retry').length;
    if (c.kind === 'transient' && cliRetries > 0) {
      const unreachable = c.reason.startsWith('connection failed');
      if (unreachable || i.retries >= 1) {
        const what = unreachable ? 'the model API did not answer' : 'the model API kept failing';
        return { kind: 'fail', error: `${what} after the agent CLI's own ${cliRetries} retries: ${c.reason}; \`orch doctor\` checks the endpoint and the credentials`, transient: true };
      }
    }
    if (c.kind === 'transient' && i.retries < i.maxRetries) {
      const delayMs = backoffDelay(i.retries + 1, { retryAfterMs: c.retryAfterMs });
      return { kind: 'retry', delayMs, reason: `${c.reason} (retry ${i.retries + 1} of ${i.maxRetries})` };
    }
    return { kind: 'fail', error: c.kind === 'transient' ? `${error} (gave up after ${i.retries} retries)` : error, transient: c.kind === 'transient' };
  }
  const question = i.signals.find((s) => s.kind === 'question' && s.answer === null);
  if (question) return { kind: 'wait', reason: `question ${question.id}: ${question.text} — answer with: orch answer ${question.id} "..."` };
  const stuck = [...i.signals].reverse().find((s) => s.kind === 'stuck');
  if (stuck) return { kind: 'wait', reason: `stuck: ${stuck.text} — give guidance with: orch resume ${i.taskId} --guidance "..."` };
  const failing = trailingTestFailures(i.events);
  if (i.maxTestFailures > 0 && failing >= i.maxTestFailures) {
    return { kind: 'wait', reason: `stuck: tests still failing after ${failing} attempts — orch resume ${i.taskId} --guidance "..." or orch stop ${i.taskId}` };
  }
  return { kind: 'done' };
}

// Kept events own their strings (ownString): a slice would keep the agent's whole line (file contents) alive until the
// turn ends, which was most of the daemon's heap with 50 agents flooding (bench/ingest.ts).
const cut = (v: string, max: number): string => (v.length > max ? ownString(`${v.slice(0, max)}…`) : v);
/** Tool input fields that carry file contents: judging reads commands and paths, never these. */
const BULK_KEYS = new Set(['content', 'file_text', 'new_string', 'old_string', 'new_str', 'old_str', 'new_source', 'text', 'contents']);

const trimValue = (v: unknown, depth = 0, key = ''): unknown => {
  if (typeof v === 'string') return cut(v, BULK_KEYS.has(key) ? 200 : 2000);
  if (depth > 3 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => trimValue(x, depth + 1, key));
  return Object.fromEntries(Object.entries(v).slice(0, 50).map(([k, x]) => [k, trimValue(x, depth + 1, k)]));
};

/** An event small enough to keep for judging the turn: long strings cut, file contents dropped, deep structures pruned. */
export function trimEvent(e: AgentEvent): AgentEvent {
  if (e.type === 'tool_call') return { ...e, input: trimValue(e.input) };
  if (e.type === 'tool_result' && e.output.length > 2000) return { ...e, output: ownString(`${e.output.slice(0, 1000)}…${e.output.slice(-1000)}`) };
  return e;
}
