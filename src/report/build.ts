import type { BudgetLine, Report, ReportTask, Signal, Verification, Workflow } from '../api/index.js';
import { plural } from '../api/index.js';
import type { RunRow, TaskRow } from '../store/index.js';
import { renderReport } from './markdown.js';

export interface ReportInput {
  period: Report['period'];
  runs: RunRow[];
  task: (id: string) => TaskRow | undefined;
  questions: Signal[];
  budgets: BudgetLine[];
  /** Whether a waiting run waits for a person (not for a retry or the planner). */
  waitsForPerson: (run: RunRow) => boolean;
  file: string;
  now: Date;
}

/** Seed 004's estimates: low 1 h, medium 2.5 h, high 4 h. */
const ESTIMATE_MS: Record<string, number> = { low: 3_600_000, medium: 9_000_000, high: 14_400_000 };

const tokensOf = (r: RunRow): number => r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens;

function outcomeOf(r: RunRow, waits: boolean): ReportTask['outcome'] {
  if (r.state === 'done') return 'merged';
  if (r.state === 'failed') return 'failed';
  if (r.state === 'stopped') return 'stopped';
  return waits ? 'waiting' : 'running';
}

function testsOf(r: RunRow): string | null {
  if (!r.verification) return null;
  const v = JSON.parse(r.verification) as Verification[];
  return v.length ? v.map((x) => `${x.kind} ${x.ok ? 'passed' : x.timedOut ? 'timed out' : 'failed'}`).join(', ') : null;
}

function workflowOf(r: RunRow): string | null {
  if (!r.workflow) return null;
  const wf = JSON.parse(r.workflow) as Workflow;
  return wf.steps.filter((s) => s.name !== 'code').map((s) => `${s.name} ${s.status.replace('_', ' ')}${s.rounds ? ` after ${plural(s.rounds, 'round')}` : ''}`).join(', ') || null;
}

/** O5: a report of the runs of a day or a batch, by task and module, with open questions and budgets. Pure. */
export function buildReport(i: ReportInput): Report {
  const byTask = new Map<string, RunRow[]>();
  for (const r of i.runs) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r]);
  const tasks: ReportTask[] = [];
  for (const [taskId, runs] of byTask) {
    const last = runs.reduce((a, b) => (b.createdAt >= a.createdAt ? b : a));
    const t = i.task(taskId);
    const outcome = outcomeOf(last, i.waitsForPerson(last));
    const durationMs = runs.reduce((sum, r) => sum + (r.startedAt ? Date.parse(r.endedAt ?? i.now.toISOString()) - Date.parse(r.startedAt) : 0), 0);
    tasks.push({
      taskId,
      title: t?.title ?? taskId,
      module: t?.module ?? taskId.split('/')[0] ?? '',
      outcome,
      runs: runs.length,
      mergeCommit: last.mergeCommit,
      prUrl: last.prUrl,
      reason: outcome === 'failed' || outcome === 'stopped' ? (last.error ?? t?.statusNote ?? null) : outcome === 'waiting' ? last.waitingReason : null,
      tests: testsOf(last),
      workflow: workflowOf(last),
      tokens: runs.reduce((sum, r) => sum + tokensOf(r), 0),
      costUsd: runs.reduce((sum, r) => sum + r.costUsd, 0),
      durationMs,
      complexity: t?.complexity && ESTIMATE_MS[t.complexity] ? (t.complexity as ReportTask['complexity']) : null,
      estimateMs: t?.complexity ? (ESTIMATE_MS[t.complexity] ?? null) : null,
    });
  }
  const order: Record<ReportTask['outcome'], number> = { merged: 0, failed: 1, waiting: 2, stopped: 3, running: 4 };
  tasks.sort((a, b) => order[a.outcome] - order[b.outcome] || a.taskId.localeCompare(b.taskId));
  const modules = new Map<string, Report['modules'][number]>();
  for (const t of tasks) {
    const m = modules.get(t.module) ?? { module: t.module, tasks: 0, merged: 0, failed: 0, tokens: 0, costUsd: 0 };
    m.tasks++;
    if (t.outcome === 'merged') m.merged++;
    if (t.outcome === 'failed') m.failed++;
    m.tokens += t.tokens;
    m.costUsd += t.costUsd;
    modules.set(t.module, m);
  }
  const count = (o: ReportTask['outcome']): number => tasks.filter((t) => t.outcome === o).length;
  const base = {
    period: i.period,
    generatedAt: i.now.toISOString(),
    totals: {
      runs: i.runs.length,
      tasks: tasks.length,
      merged: count('merged'),
      failed: count('failed'),
      waiting: count('waiting'),
      tokens: tasks.reduce((s, t) => s + t.tokens, 0),
      costUsd: tasks.reduce((s, t) => s + t.costUsd, 0),
      unpriced: i.runs.filter((r) => r.costUsd === 0 && r.inputTokens + r.outputTokens > 0).length,
      durationMs: tasks.reduce((s, t) => s + t.durationMs, 0),
    },
    tasks,
    modules: [...modules.values()].sort((a, b) => a.module.localeCompare(b.module)),
    questions: i.questions.map((q) => ({ id: q.id, taskId: q.taskId, text: q.text, createdAt: q.createdAt })),
    budgets: i.budgets,
    file: i.file,
  };
  return { ...base, markdown: renderReport(base) };
}
