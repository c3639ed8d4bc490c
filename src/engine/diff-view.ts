import { parseDiff } from '../review/index.js';
import type { DiffFile, RunDiff, Verification } from '../api/index.js';
import type { RunRow } from '../store/index.js';
import type { RepoPort } from './ports.js';
import { RequestError } from './scheduler.js';

/** Lines of one file and of the whole answer beyond which the diff view is cut (the page says so). */
export const DIFF_FILE_LINES = 5000;
export const DIFF_TOTAL_LINES = 40_000;

/**
 * A run's change as the page shows it: for a merged run its merge commit, otherwise its branch's head against the
 * base it started from. Parsed here so that the page renders lines as text and never parses git's output itself.
 * `redact`: the daemon's redactor, applied to every line.
 */
export async function runDiff(repo: RepoPort, run: RunRow, redact: (text: string) => string = (t) => t): Promise<RunDiff> {
  const merged = run.state === 'done' && run.mergeCommit;
  const base = merged ? `${run.mergeCommit}^` : (run.baseSha ?? run.targetBranch);
  const head = merged ? (run.mergeCommit ?? '') : (run.commitSha ?? run.savedRef ?? run.branch);
  let text: string;
  try {
    text = await repo.diff(base, head);
  } catch (e) {
    throw new RequestError('no_diff', `the change of run ${run.id} cannot be read (${base}..${head}): ${(e as Error).message.split('\n')[0] ?? ''}`, 409);
  }
  let budget = DIFF_TOTAL_LINES;
  const files: DiffFile[] = parseDiff(text).map((f) => {
    const keep = Math.max(0, Math.min(DIFF_FILE_LINES, budget));
    budget -= Math.min(f.lines.length, keep);
    return {
      path: f.path,
      ...(f.oldPath && f.oldPath !== f.path ? { oldPath: f.oldPath } : {}),
      status: f.status,
      binary: f.binary,
      additions: f.added.length,
      deletions: f.removed.length,
      // A secret the agent wrote (a key of the daemon's, a token's shape) is not sent to a page: the review flags it.
      lines: f.lines.slice(0, keep).map((l) => ({ kind: l.kind, line: l.line, ...(l.oldLine !== undefined ? { oldLine: l.oldLine } : {}), text: redact(l.text) })),
      truncated: f.lines.length > keep,
    };
  });
  const verification = run.verification ? (JSON.parse(run.verification) as Verification[]) : null;
  return { runId: run.id, taskId: run.taskId, base, head, files, verification };
}
