import type { ChecksSummary, FailingCheck } from '../types.js';

/** The fields of a check run Orch reads (a subset of GitHub's `check-run`). */
export interface CheckRunLike {
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string | null;
  details_url?: string | null;
  output?: { title?: string | null; summary?: string | null };
}

/** The fields of a commit status Orch reads (a subset of GitHub's `simple-commit-status`). */
export interface StatusLike {
  context: string;
  state: string;
  description?: string | null;
  target_url?: string | null;
}

const FAILED_CONCLUSIONS = new Set(['failure', 'timed_out', 'cancelled', 'action_required', 'startup_failure', 'stale']);

/**
 * Combines check runs and commit statuses: any failure fails, otherwise anything unfinished is pending,
 * otherwise success; nothing at all is `none` (a repository without CI).
 */
export function combineChecks(runs: readonly CheckRunLike[], statuses: readonly StatusLike[]): ChecksSummary {
  const failing: FailingCheck[] = [];
  const pending: string[] = [];
  // GitHub lists every status ever posted for a context, newest first; only the newest counts.
  const latest = new Map<string, StatusLike>();
  for (const status of statuses) if (!latest.has(status.context)) latest.set(status.context, status);

  for (const run of runs) {
    if (run.status !== 'completed') pending.push(run.name);
    else if (run.conclusion !== null && FAILED_CONCLUSIONS.has(run.conclusion)) {
      const summary = run.output?.title || run.output?.summary || run.conclusion;
      const url = run.html_url || run.details_url;
      failing.push({ name: run.name, ...(summary ? { summary } : {}), ...(url ? { url } : {}) });
    }
  }
  for (const status of latest.values()) {
    if (status.state === 'pending') pending.push(status.context);
    else if (status.state === 'failure' || status.state === 'error') {
      failing.push({
        name: status.context,
        ...(status.description ? { summary: status.description } : {}),
        ...(status.target_url ? { url: status.target_url } : {}),
      });
    }
  }
  const total = runs.length + latest.size;
  const state = total === 0 ? 'none' : failing.length > 0 ? 'failure' : pending.length > 0 ? 'pending' : 'success';
  return { state, failing, pending, total };
}
