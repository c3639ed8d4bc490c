import type { RepoPort } from './ports.js';
import { savedRefFor } from './names.js';

/**
 * Points the run's saved ref at `sha` without ever making a commit unreachable: when the ref held a commit that is
 * not in `sha`'s history (the branch was rebased since), that commit keeps a ref of its own,
 * `refs/orch/saved/<run>-<sha12>`.
 */
export async function saveRunHead(repo: RepoPort, runId: string, sha: string): Promise<string> {
  const ref = savedRefFor(runId);
  const prev = await repo.revParse(ref);
  if (prev && prev !== sha && !(await repo.isAncestor(prev, sha))) await repo.saveRef(`${ref}-${prev.slice(0, 12)}`, prev);
  await repo.saveRef(ref, sha);
  return ref;
}
