import type { PlanIssue } from './types.js';

/** `docs/plans/billing/epic-02-x.md:3: message` and an indented `fix:` line; no line number when line is 0. */
export function formatIssue(issue: PlanIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  const head = `${where}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`;
  return issue.fix ? `${head}\n  fix: ${issue.fix}` : head;
}

export function hasErrors(issues: readonly PlanIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}
