import type { Signal } from '../api/index.js';

/** What the overdue check needs of a run. */
export interface WaitingRun {
  id: string;
  taskId: string;
  state: string;
  waitingReason: string | null;
}

export interface OverdueDeps {
  open: () => Signal[];
  run: (id: string) => WaitingRun | undefined;
  /** A question the planner is still answering is not overdue yet. */
  busy: (runId: string) => boolean;
  /** Records the reason on the run and tells whoever listens (a `run.waiting` event: people are notified again). */
  park: (run: WaitingRun, reason: string) => void;
  now: () => Date;
}

/** `[agent] question_timeout` ("4h", "90m", "1d 2h"): minutes, or undefined for "" (never). */
export function questionTimeoutMinutes(text: string): number | undefined {
  const m = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const min = Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return min > 0 ? min : undefined;
}

export const overdueReasonPrefix = (id: string): string => `question ${id} unanswered for `;

/**
 * A question left unanswered for `question_timeout` is told again and its run is parked with that reason (O4). The
 * reason is stored on the run, so each question is parked once, across restarts too. Returns the parked question ids.
 */
export function parkOverdueQuestions(d: OverdueDeps, timeout: string): string[] {
  const minutes = questionTimeoutMinutes(timeout);
  if (!minutes) return [];
  const now = d.now().getTime();
  const parked: string[] = [];
  for (const q of d.open()) {
    if (Date.parse(q.createdAt) + minutes * 60_000 > now || d.busy(q.runId)) continue;
    const run = d.run(q.runId);
    if (!run || run.state !== 'waiting' || run.waitingReason?.startsWith(overdueReasonPrefix(q.id))) continue;
    d.park(run, `${overdueReasonPrefix(q.id)}${timeout.trim()}: ${q.text} — answer with: orch answer ${q.id} "..." (or .orch/answers/${q.id}.md), or end it with: orch stop ${run.taskId}`);
    parked.push(q.id);
  }
  return parked;
}
