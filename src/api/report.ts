import { z } from 'zod';
import { BudgetLine } from './schemas.js';

/** One task in a report (O5): how its runs in the period ended, what they cost and where the change went. */
export const ReportTask = z.object({
  taskId: z.string(),
  title: z.string(),
  module: z.string(),
  outcome: z.enum(['merged', 'failed', 'waiting', 'running', 'stopped']),
  runs: z.number(),
  mergeCommit: z.string().nullable(),
  prUrl: z.string().nullable(),
  /** Why it failed, or why it waits for a person. */
  reason: z.string().nullable(),
  /** The project's checks on its last change, e.g. "test passed, lint failed"; null when none ran. */
  tests: z.string().nullable(),
  /** Its workflow's steps in a line ("review approved, test passed"); null for plain `code`. */
  workflow: z.string().nullable(),
  tokens: z.number(),
  costUsd: z.number(),
  durationMs: z.number(),
  /** P4: a daily task's `estimated_complexity`, and what it stands for (low 1 h, medium 2.5 h, high 4 h); null for others. */
  complexity: z.enum(['low', 'medium', 'high']).nullable().default(null),
  estimateMs: z.number().nullable().default(null),
});
export type ReportTask = z.infer<typeof ReportTask>;

/** `orch report [DATE|--batch ID] --json` (`GET /api/report`): what ran, merged, failed, waits, and what it cost. */
export const Report = z.object({
  period: z.object({
    kind: z.enum(['day', 'batch']),
    /** The day (`YYYY-MM-DD` in `timezone`) or the batch id. */
    key: z.string(),
    name: z.string().nullable(),
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
  }),
  generatedAt: z.string(),
  totals: z.object({ runs: z.number(), tasks: z.number(), merged: z.number(), failed: z.number(), waiting: z.number(), tokens: z.number(), costUsd: z.number(), unpriced: z.number(), durationMs: z.number() }),
  tasks: z.array(ReportTask),
  modules: z.array(z.object({ module: z.string(), tasks: z.number(), merged: z.number(), failed: z.number(), tokens: z.number(), costUsd: z.number() })),
  questions: z.array(z.object({ id: z.string(), taskId: z.string(), text: z.string(), createdAt: z.string() })),
  budgets: z.array(BudgetLine),
  /** The markdown file the report was written to (`.orch/reports/...`), relative to the project root. */
  file: z.string(),
  markdown: z.string(),
});
export type Report = z.infer<typeof Report>;
