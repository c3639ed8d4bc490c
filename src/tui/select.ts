import type { Run, Task, TaskStatus } from '../api/index.js';
import type { State } from './state.js';

export interface QueuedRow {
  task: Task;
  /** What it waits for: a dependency, a held file, the concurrency limit, or `ready`. */
  waitsFor: string;
}

export interface NeedsRow {
  taskId: string;
  kind: 'review' | 'question' | 'stuck' | 'failed' | 'waiting';
  text: string;
  runId: string | null;
  questionId?: string;
}

export const running = (s: State): Run[] => s.status?.active ?? [];

export function queued(s: State): QueuedRow[] {
  const active = new Set(running(s).map((r) => r.taskId));
  const held = new Map((s.status?.waiting ?? []).filter((w) => w.runId === null).map((w) => [w.taskId, w.reason]));
  const full = s.status ? running(s).filter((r) => r.state !== 'waiting').length >= s.status.maxParallel : false;
  return s.tasks
    .filter((t) => !t.removed && t.status === 'not_started' && !active.has(t.id))
    .map((t) => ({
      task: t,
      waitsFor: held.get(t.id) ?? (t.waitingFor.length > 0 ? `after ${t.waitingFor.join(', ')}` : s.status?.paused ? 'paused' : full ? 'the concurrency limit' : 'ready'),
    }))
    .sort((a, b) => Number(b.waitsFor === 'ready') - Number(a.waitsFor === 'ready'));
}

export function needsYou(s: State): NeedsRow[] {
  const rows: NeedsRow[] = [];
  for (const r of s.reviews) rows.push({ taskId: r.taskId, kind: 'review', runId: r.run.id, text: `${r.decision.category}: ${r.decision.reasons[0]?.detail ?? 'flagged'}${r.decision.reasons.length > 1 ? ` (+${r.decision.reasons.length - 1})` : ''}` });
  for (const q of s.questions) if (q.audience !== 'orchestrator') rows.push({ taskId: q.taskId, kind: 'question', runId: q.runId, questionId: q.id, text: q.text });
  const listed = new Set(rows.map((r) => r.runId));
  for (const r of running(s)) {
    if (r.state !== 'waiting' || listed.has(r.id) || !r.waitingReason) continue;
    const stuck = /stuck|guidance|paused/i.test(r.waitingReason);
    rows.push({ taskId: r.taskId, kind: stuck ? 'stuck' : 'waiting', runId: r.id, text: r.waitingReason });
  }
  for (const t of s.tasks) if (t.status === 'failed' && !t.removed) rows.push({ taskId: t.id, kind: 'failed', runId: null, text: t.statusNote ?? 'failed' });
  return rows;
}

/** The dashboard's selectable rows, in screen order. */
export function dashboardRows(s: State): Array<{ taskId: string; runId: string | null; section: 'running' | 'queued' | 'needs' }> {
  return [
    ...running(s).map((r) => ({ taskId: r.taskId, runId: r.id, section: 'running' as const })),
    ...needsYou(s).map((n) => ({ taskId: n.taskId, runId: n.runId, section: 'needs' as const })),
    ...queued(s).map((q) => ({ taskId: q.task.id, runId: null, section: 'queued' as const })),
  ];
}

/** The longest chain of unfinished tasks through dependencies: what bounds the time to finish the plan. */
export function criticalPath(tasks: Task[]): string[] {
  const byId = new Map(tasks.filter((t) => !t.removed).map((t) => [t.id, t]));
  const memo = new Map<string, string[]>();
  const visiting = new Set<string>();
  const chain = (id: string): string[] => {
    const hit = memo.get(id);
    if (hit) return hit;
    const t = byId.get(id);
    if (!t || t.status === 'complete' || visiting.has(id)) return [];
    visiting.add(id);
    let best: string[] = [];
    for (const d of t.dependsOn) {
      const c = chain(d);
      if (c.length > best.length) best = c;
    }
    visiting.delete(id);
    const out = [...best, id];
    memo.set(id, out);
    return out;
  };
  let longest: string[] = [];
  for (const id of byId.keys()) {
    const c = chain(id);
    if (c.length > longest.length) longest = c;
  }
  return longest;
}

export interface PlanRow {
  kind: 'module' | 'task';
  id: string;
  label: string;
  status?: TaskStatus;
  /** Tasks this one blocks (unfinished dependents of an unfinished task: a merged one blocks nothing). */
  blocks: string[];
  waitsFor: string[];
  critical: boolean;
}

/** Modules and their epics as a tree, filtered, with what blocks what. */
export function planRows(s: State): PlanRow[] {
  const f = s.planFilter;
  const crit = new Set(criticalPath(s.tasks));
  const dependents = new Map<string, string[]>();
  for (const t of s.tasks) for (const d of t.dependsOn) if (t.status !== 'complete') dependents.set(d, [...(dependents.get(d) ?? []), t.id]);
  const rows: PlanRow[] = [];
  const modules = [...new Set(s.tasks.filter((t) => !t.removed).map((t) => t.module))];
  for (const m of modules) {
    if (f.module && f.module !== m) continue;
    const tasks = s.tasks
      .filter((t) => t.module === m && !t.removed && (!f.status || t.status === f.status) && (!f.critical || crit.has(t.id)))
      .sort((a, b) => a.epic - b.epic);
    if (tasks.length === 0) continue;
    const done = s.tasks.filter((t) => t.module === m && t.status === 'complete').length;
    const all = s.tasks.filter((t) => t.module === m && !t.removed).length;
    rows.push({ kind: 'module', id: m, label: `${m}  ${done}/${all}`, blocks: [], waitsFor: [], critical: false });
    for (const t of tasks) rows.push({ kind: 'task', id: t.id, label: t.title, status: t.status, blocks: t.status === 'complete' ? [] : (dependents.get(t.id) ?? []), waitsFor: t.waitingFor, critical: crit.has(t.id) });
  }
  return rows;
}

export const modulesOf = (tasks: Task[]): string[] => [...new Set(tasks.filter((t) => !t.removed).map((t) => t.module))];

/** The task the current view points at, if any. */
export function selectedTask(s: State): { taskId: string; runId: string | null } | undefined {
  switch (s.view.name) {
    case 'dashboard':
      return dashboardRows(s)[s.sel.dashboard];
    case 'agents': {
      const r = running(s)[s.sel.agents];
      return r ? { taskId: r.taskId, runId: r.id } : undefined;
    }
    case 'plan': {
      const row = planRows(s)[s.sel.plan];
      if (!row || row.kind !== 'task') return undefined;
      return { taskId: row.id, runId: running(s).find((r) => r.taskId === row.id)?.id ?? null };
    }
    case 'task':
    case 'diff':
      return { taskId: s.view.taskId, runId: running(s).find((r) => r.taskId === (s.view as { taskId: string }).taskId)?.id ?? null };
    case 'log':
      return { taskId: s.view.taskId, runId: s.view.runId };
    default:
      return undefined;
  }
}
