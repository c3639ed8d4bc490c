import type { RunRow, Store, TaskRow } from '../store/index.js';
import type { RepoPort } from './ports.js';

/** Where a new run of a stopped task picks up: the stopped run's branch, base, worktree path and agent session. */
export interface Continuation {
  from: RunRow;
  branch: string;
  worktree: string;
  baseSha: string;
  /** Null when the task's agent changed since (another backend cannot resume the session). */
  sessionId: string | null;
  attempt: number;
}

/**
 * `orch stop` commits the partial work to the run's branch (and a saved ref) and keeps the session: a later start of
 * the task continues from there instead of starting over (S3). The same worktree path is used again because some
 * agent CLIs (Claude Code) keep sessions per working directory. A branch deleted meanwhile is recreated from the saved
 * ref; without either there is nothing to continue and the run starts fresh.
 */
export async function continuationFor(store: Store, repo: RepoPort, task: TaskRow, backendId: string): Promise<Continuation | undefined> {
  const runs = store.runs.forTask(task.id);
  const last = runs.reduce<RunRow | undefined>((a, r) => (!a || r.id > a.id ? r : a), undefined);
  if (!last || last.state !== 'stopped' || !last.baseSha) return undefined;
  if (!(await repo.branchExists(last.branch))) {
    const saved = last.savedRef ? await repo.revParse(last.savedRef) : undefined;
    if (!saved) return undefined;
    await repo.saveRef(`refs/heads/${last.branch}`, saved);
  }
  return {
    from: last,
    branch: last.branch,
    worktree: last.worktree,
    baseSha: last.baseSha,
    sessionId: last.backend === backendId ? last.sessionId : null,
    attempt: last.attempt + 1,
  };
}
