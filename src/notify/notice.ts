import type { AnyEvent, BatchReport, NotifyKind, WebhookItem } from '../api/index.js';
import { batchSummary } from './summary.js';

/** One thing to tell a person; a digest holds what quiet hours or a rate limit kept back. */
export interface Notice extends WebhookItem {
  items: Notice[];
}

export interface NoticeContext {
  /** The finished batch's report (what merged, failed, waits), for its summary. */
  batch?: (batchId: string) => BatchReport | undefined;
  /** O5: the batch's report, written to its file; its summary sections travel in the notice. */
  report?: (batchId: string) => { file: string; markdown: string } | undefined;
}

/** The person-facing part of a report (merged with commits or PRs, failures and why, what waits), capped for chats. */
export function reportExcerpt(markdown: string, file: string, max = 3000): string {
  const body = markdown.split('\n## Tasks')[0]?.split('\n').slice(2).join('\n').trim() ?? '';
  const cut = body.length > max ? `${body.slice(0, max)}…` : body;
  return `${cut}\n\nFull report: ${file} (orch report)`;
}

const notice = (kind: Notice['kind'], e: AnyEvent, title: string, text: string): Notice => ({
  kind,
  title,
  text,
  taskId: e.taskId,
  runId: e.runId,
  ts: e.ts,
  event: { seq: e.seq, type: e.type, data: e.data },
  items: [],
});

const money = (n: number): string => `$${n.toFixed(2)}`;

/** The notification an event makes, if it is one people are told about (the config then decides who hears it). */
export function noticeOf(e: AnyEvent, ctx: NoticeContext = {}): Notice | undefined {
  const task = e.taskId ?? '';
  switch (e.type) {
    case 'task.status': {
      const d = e.data;
      // Scheduler notes repeat a status; a merge with no commit is a task marked done by hand.
      if (d.held !== undefined || d.blocked !== undefined) return undefined;
      if (d.status === 'failed') return notice('task.failed', e, `${task} failed`, `${d.error ?? 'no reason recorded'}\nSee: orch logs ${task}`);
      if (d.status === 'needs_review') {
        const why = d.reasons?.[0] ? `${d.category ?? 'flagged'}: ${d.reasons[0].file}${d.reasons[0].line ? `:${d.reasons[0].line}` : ''} ${d.reasons[0].detail}` : (d.note ?? d.category ?? 'flagged');
        return notice('task.needs_review', e, `${task} needs your review`, `${why}\nReview: orch pr review; merge: orch pr merge ${task}`);
      }
      if (d.status === 'complete' && d.mergeCommit) return notice('task.merged', e, `${task} merged`, `merge commit ${d.mergeCommit.slice(0, 12)}`);
      return undefined;
    }
    case 'run.waiting': {
      const d = e.data;
      if (!('reason' in d)) return undefined;
      if (/^question \S+ unanswered for /.test(d.reason)) return notice('question.waiting', e, `${task}: a question is still unanswered`, d.reason);
      if (!d.reason.startsWith('stuck:')) return undefined;
      return notice('agent.stuck', e, `${task}: the agent is stuck`, d.reason);
    }
    case 'run.question': {
      const s = e.data.signal;
      // The planner answers questions for the orchestrator; one it cannot answer is left in `orch questions`.
      if (s.audience === 'orchestrator') return undefined;
      return notice('question.waiting', e, `${task} asks: ${oneLine(s.text)}`, `${s.text}\nAnswer: orch answer ${s.id} "...", or write .orch/answers/${s.id}.md`);
    }
    case 'budget.warning':
    case 'budget.exceeded': {
      const d = e.data;
      const amount = (n: number): string => (d.unit === 'usd' ? money(n) : `${Math.round(n).toLocaleString('en-US')} tokens`);
      const title = `${e.type === 'budget.exceeded' ? 'Budget exceeded' : 'Budget at 75%'}: ${d.key} (${d.scope} ${d.id}) ${amount(d.spent)} of ${amount(d.limit)}`;
      return notice(e.type, e, title, d.message);
    }
    case 'batch.finished': {
      const report = ctx.batch?.(e.data.batchId);
      const s = batchSummary(e.data.batchId, report);
      let full: { file: string; markdown: string } | undefined;
      try {
        full = ctx.report?.(e.data.batchId);
      } catch {
        full = undefined;
      }
      return notice('batch.finished', e, s.title, full ? reportExcerpt(full.markdown, full.file) : s.text);
    }
    case 'batch.missed':
      return notice('batch.missed', e, `Scheduled batch ${e.data.name} did not run`, `${e.data.reason}\nDue: ${e.data.due}. Run it now: orch batch run ${e.data.name}`);
    default:
      return undefined;
  }
}

export const oneLine = (s: string, max = 120): string => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
};

/** One notice that carries the held ones. */
export function digestOf(held: Notice[], why: string, now: Date): Notice {
  const lines = held.map((n) => `• ${n.title}`);
  return {
    kind: 'digest',
    title: `${held.length} notification${held.length === 1 ? '' : 's'} held ${why}`,
    text: lines.join('\n'),
    taskId: null,
    runId: null,
    ts: now.toISOString(),
    event: null,
    items: held.map((n) => ({ ...n, items: [] })),
  };
}

export function testNotice(now: Date): Notice {
  return { kind: 'test', title: 'Test notification from Orch', text: 'If you read this, this channel works (orch notify test).', taskId: null, runId: null, ts: now.toISOString(), event: null, items: [] };
}

export const isKind = (k: Notice['kind']): k is NotifyKind => k !== 'test' && k !== 'digest';
