import { classifyDiff, type Decision } from '../review/index.js';
import type { Config } from '../config/index.js';
import type { RunRow, TaskRow } from '../store/index.js';
import type { RepoPort } from './ports.js';

/** Classifies a run's change (W5) from its diff, the target's CODEOWNERS and the project's review config. */
export async function decideReview(repo: RepoPort, run: RunRow, t: TaskRow, cfg: Config['review']): Promise<Decision> {
  const diff = await repo.diff(run.baseSha ?? run.targetBranch, run.commitSha ?? run.branch);
  let codeowners: string | undefined;
  for (const p of ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']) {
    codeowners ??= await repo.readFileAt(`refs/heads/${run.targetBranch}`, p);
  }
  return classifyDiff(diff, {
    codeowners,
    reviewOwners: cfg.review_owners,
    rules: cfg.rules,
    needsReview: t.needsReview,
    maxChangedLines: cfg.max_changed_lines,
  });
}
