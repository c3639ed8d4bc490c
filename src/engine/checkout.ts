import type { PlanIssue } from '../api/index.js';
import type { RepoPort } from './ports.js';
import { inPlans, mayStayDirty } from './writeback.js';

const some = (paths: readonly string[]): string => `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ` and ${paths.length - 5} more` : ''}`;

/**
 * Plan files a sync read that are not committed. Orch schedules with them, but an agent's worktree holds the committed
 * plan, so an agent reads the epic as it was committed, not as synced.
 */
export async function uncommittedPlanIssues(repo: Pick<RepoPort, 'uncommittedFiles'>, plansDir: string): Promise<PlanIssue[]> {
  const paths = await repo.uncommittedFiles(plansDir);
  if (paths.length === 0) return [];
  return [
    {
      severity: 'warning',
      code: 'uncommitted_plan',
      file: paths.length === 1 ? paths[0]! : plansDir,
      line: 0,
      message: `${paths.length === 1 ? 'this plan file is' : `${paths.length} plan files are`} not committed${paths.length > 1 ? ` (${some(paths)})` : ''}: Orch plans with the edit, but agents read the committed plan in their worktrees; merges go on unless they change ${paths.length === 1 ? 'this file' : 'these files'}`,
      fix: `commit the plan edit: git add ${plansDir} && git commit -m "plan: ..."`,
    },
  ];
}

/** What `orch start` says when the checkout of the target branch holds uncommitted changes: which merges will wait. */
export async function targetCheckoutWarning(repo: Pick<RepoPort, 'checkoutOf'>, target: string, plansDir: string): Promise<string | undefined> {
  const co = await repo.checkoutOf(target);
  if (!co || co.dirty.length === 0) return undefined;
  const allowed = mayStayDirty(plansDir);
  const others = co.dirty.filter((p) => !allowed(p));
  if (others.length === 0) {
    const plans = co.dirty.filter(inPlans(plansDir));
    const what = plans.length === 0 ? 'config edits' : plans.length < co.dirty.length ? 'plan and config edits' : 'plan edits';
    const why = plans.length === 0 ? 'agents read the committed config' : 'agents read the committed plan';
    return `${target} is checked out in ${co.path} with uncommitted ${what} (${some(co.dirty)}): merges go on unless they change those files; ${why}, so commit the edit`;
  }
  return `${target} is checked out in ${co.path} with uncommitted changes (${some(others)}): merges into ${target} wait until you commit or stash them`;
}
