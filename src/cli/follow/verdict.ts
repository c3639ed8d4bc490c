import type { BatchReport, Status, Task } from '../../api/index.js';
import { listOf, plural } from '../format.js';

/** The note the engine leaves on a task that `orch stop` held back. */
const STOPPED_NOTE = 'stopped by user';

export interface Verdict {
  /** Every task in scope is merged (complete). */
  ok: boolean;
  /** Tasks in scope that are not complete. */
  left: string[];
  /** One line per reason, tasks grouped: what is left and why, and what to do. */
  lines: string[];
}

export const isMaintenance = (t: Pick<Task, 'id'>): boolean => t.id.startsWith('maintenance/');

/** The tasks a batch answers for: those named, or every task of its module (or of the plan), not removed. */
export function scopeOf(batch: BatchReport['batch'], tasks: Task[], report?: BatchReport): Task[] {
  if (batch.scope.tasks.length > 0) return tasks.filter((t) => batch.scope.tasks.includes(t.id));
  // `--count N` answers for what it started.
  if (batch.maxTasks !== null && report) {
    const ran = new Set(report.runs.map((r) => r.taskId));
    return tasks.filter((t) => ran.has(t.id));
  }
  return tasks.filter((t) => !t.removed && !isMaintenance(t) && (batch.scope.module === undefined || t.module === batch.scope.module));
}

/**
 * What a `start --wait` can honestly say at its end: exit 0 only when every task in scope merged; otherwise the
 * tasks left, grouped by why (a missing agent CLI, a dependency outside --module, a failure, a person's turn,
 * a pause, a stop), each with the next step.
 */
export function verdictOf(report: BatchReport, tasks: Task[], status: Status | undefined, o: { stoppedBy?: string } = {}): Verdict {
  const scope = scopeOf(report.batch, tasks, report);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const left = scope.filter((t) => t.status !== 'complete');
  const lines: string[] = [];
  if (left.length === 0) {
    if (report.batch.maxTasks !== null && scope.length === 0 && report.runs.length === 0) {
      const ready = tasks.filter((t) => t.ready && !t.removed && (report.batch.scope.module === undefined || t.module === report.batch.scope.module));
      if (ready.length > 0) return { ok: false, left: [], lines: ['nothing was started'] };
    }
    return { ok: true, left: [], lines };
  }
  const inScope = new Set(scope.map((t) => t.id));
  const human = new Map(report.needsHuman.map((h) => [h.taskId, h.reason]));
  const held = new Map((status?.waiting ?? []).map((w) => [w.taskId, w.reason]));
  const latestRun = new Map<string, BatchReport['runs'][number]>();
  for (const r of report.runs) latestRun.set(r.taskId, r);
  const active = new Map((status?.active ?? []).map((r) => [r.taskId, r]));
  const module = report.batch.scope.module;

  const groups = new Map<string, string[]>();
  const add = (reason: string, id: string): void => {
    const g = groups.get(reason) ?? [];
    g.push(id);
    groups.set(reason, g);
  };
  for (const t of left) {
    const run = active.get(t.id) ?? latestRun.get(t.id);
    if (human.has(t.id)) add(`wait for you: ${human.get(t.id) ?? ''}`, t.id);
    else if (t.status === 'failed') add(`failed: ${firstLine(run?.error ?? t.statusNote ?? 'see orch show')}; \`orch start ${t.id}\` retries`, t.id);
    else if (run && active.has(t.id) && run.waitingReason) add(`${run.waitingReason}`, t.id);
    else if (active.has(t.id)) add(status?.paused ? 'paused (its agent stopped, work kept)' : `still ${run?.state ?? 'running'}`, t.id);
    else if (held.has(t.id)) add(`not started: ${held.get(t.id) ?? ''}`, t.id);
    else if (t.statusNote === STOPPED_NOTE) add(`stopped with \`orch stop\`; \`orch start ${t.id}\` continues it`, t.id);
    else if (t.waitingFor.length > 0) {
      const outside = t.waitingFor.filter((d) => !inScope.has(d));
      if (outside.length > 0 && module !== undefined) add(`wait for ${listOf(outside)}, outside --module ${module}`, t.id);
      else if (outside.length > 0) add(`wait for ${listOf(outside)}, not in this start`, t.id);
      else add(`wait for ${listOf(t.waitingFor.map((d) => `${d}${byId.get(d)?.status === 'failed' ? ' (failed)' : ''}`))}`, t.id);
    } else if (status?.paused) add('not started: Orch is paused', t.id);
    else add('not started', t.id);
  }
  const head = `${left.length} of ${plural(scope.length, 'task')}${module ? ` of ${module}` : ''} not merged`;
  lines.push(head);
  for (const [reason, ids] of groups) {
    const who = ids.length > 2 ? `${plural(ids.length, 'task')} (${listOf(ids)})` : listOf(ids);
    lines.push(`  ${who}: ${ids.length === 1 ? reason.replace(/^wait for/, 'waits for') : reason}`);
  }
  if (o.stoppedBy) lines.push(o.stoppedBy);
  else if (report.batch.state === 'stopped') lines.push('the batch was stopped (`orch stop`); `orch start --wait` starts again');
  if (status?.paused) lines.push('Orch is paused: nothing starts until `orch resume`');
  return { ok: false, left: left.map((t) => t.id), lines };
}

const firstLine = (s: string): string => (s.split('\n')[0] ?? '').slice(0, 300);
