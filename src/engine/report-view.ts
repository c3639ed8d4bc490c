import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestError, type BudgetLine, type Report } from '../api/index.js';
import { dayKey, endOfDay, startOfDay } from '../budget/index.js';
import { buildReport } from '../report/index.js';
import type { RunRow, Store } from '../store/index.js';

export interface ReportViewDeps {
  store: Store;
  root: string;
  timezone: () => string;
  budgets: () => BudgetLine[];
  waitsForPerson: (run: RunRow) => boolean;
  now: () => Date;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * O5 `orch report [DATE|--batch ID]`: the report of a day (in the project's time zone) or of a batch, written to
 * `.orch/reports/DATE.md` (a batch: `.orch/reports/DATE-BATCH.md`) and returned with its markdown.
 */
export function createReportView(d: ReportViewDeps) {
  return (q: { date?: string; batch?: string }): Report => {
    const tz = d.timezone();
    const now = d.now();
    let period: Report['period'];
    let runs: RunRow[];
    let name: string;
    if (q.batch) {
      const b = d.store.batches.get(q.batch);
      if (!b) throw new RequestError('unknown_batch', `unknown batch ${q.batch}; \`orch status\` lists recent batches`, 404);
      runs = d.store.runs.forBatch(b.id);
      period = { kind: 'batch', key: b.id, name: b.name, from: b.createdAt, to: b.endedAt ?? now.toISOString(), timezone: tz };
      name = `${dayKey(new Date(b.createdAt), tz)}-${b.id}`;
    } else {
      const key = q.date ?? dayKey(now, tz);
      if (!DATE.test(key) || Number.isNaN(Date.parse(`${key}T00:00:00Z`))) throw new RequestError('bad_date', `"${key}" is not a date; write it as YYYY-MM-DD, e.g. orch report ${dayKey(now, tz)}`);
      const from = startOfDay(key, tz).toISOString();
      const to = endOfDay(key, tz).toISOString();
      // What ran that day: runs created that day, and runs of earlier days that ended that day (a night batch).
      const ended = d.store.runs.between('0000', from).filter((r) => r.endedAt !== null && r.endedAt >= from && r.endedAt < to);
      runs = [...ended, ...d.store.runs.between(from, to)];
      period = { kind: 'day', key, name: null, from, to, timezone: tz };
      name = key;
    }
    const file = join('.orch', 'reports', `${name}.md`);
    const report = buildReport({
      period,
      runs,
      task: (id) => d.store.tasks.get(id),
      questions: d.store.signals.openQuestions().filter((s) => runs.some((r) => r.id === s.runId) || q.batch === undefined),
      budgets: d.budgets(),
      waitsForPerson: d.waitsForPerson,
      file,
      now,
    });
    ensureReportsDir(join(d.root, '.orch', 'reports'));
    writeFileSync(join(d.root, file), report.markdown);
    return report;
  };
}

/**
 * Reports are Orch's output, not the team's source: a new `.orch/reports/` ignores itself (a `.gitignore` of `*`),
 * so they never show in `git status` or get committed by accident. A team that wants them in git deletes that file;
 * a folder that already exists is left as it is.
 */
function ensureReportsDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), '# Written by orch report: reports stay out of git. Delete this file to commit them.\n*\n');
}
