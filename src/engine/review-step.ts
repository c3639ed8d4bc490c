import { classifyDiff, type Decision } from '../review/index.js';
import type { Config } from '../config/index.js';
import type { RunRow, TaskRow } from '../store/index.js';
import type { RepoPort } from './ports.js';
import { withVerdict, type Reviewer, type ReviewerVerdict } from './reviewer.js';

/**
 * Classifies a run's change (W5) from its diff, the target's CODEOWNERS and the project's review config; then, when
 * configured, a reviewer agent reads it too. Its verdict can only add a flag.
 */
export async function decideReview(
  repo: RepoPort,
  run: RunRow,
  t: TaskRow,
  cfg: Config['review'],
  reviewer?: Reviewer,
): Promise<{ decision: Decision; verdict?: ReviewerVerdict } | 'interrupted'> {
  const head = run.commitSha ?? run.branch;
  const diff = await repo.diff(run.baseSha ?? run.targetBranch, head);
  let codeowners: string | undefined;
  for (const p of ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']) {
    codeowners ??= await repo.readFileAt(`refs/heads/${run.targetBranch}`, p);
  }
  const decision = classifyDiff(diff, {
    codeowners,
    reviewOwners: cfg.review_owners,
    rules: cfg.rules,
    needsReview: t.needsReview,
    maxChangedLines: cfg.max_changed_lines,
  });
  if (!reviewer || !(await repo.worktreeExists(run.worktree))) return { decision };
  const verdict = await reviewer(run, t, diff, decision);
  if (verdict === 'interrupted') return verdict;
  let result = withVerdict(decision, verdict);
  // Read-only is enforced by the reviewer's tools; this is the check that it held.
  const touched = await repo.changedFiles(run.worktree, head);
  if (touched.length > 0) {
    result = withVerdict(result, { agent: verdict.agent, flag: true, category: result.category, reasons: [{ category: result.category, rule: `reviewer/${verdict.agent}`, file: touched[0] ?? '(worktree)', detail: `the reviewer agent changed files it must only read: ${touched.slice(0, 5).join(', ')}` }] });
  }
  return { decision: result, verdict };
}
