import type { RunState } from '../api/index.js';
import type { RunRow, TaskRow } from '../store/index.js';
import { savedRefFor, STOPPED_NOTE } from './names.js';
import { saveRunHead } from './saved.js';
import type { RunnerDeps, StepResult } from './runner-deps.js';

export interface RunEndContext {
  d: RunnerDeps;
  log: (runId: string, s: 'out' | 'err' | 'orch', l: string) => void;
  closeLog: (runId: string) => void;
  setState: (run: RunRow, state: RunState, fields?: Partial<RunRow>) => RunRow;
  task: (run: RunRow) => TaskRow;
}

/**
 * How a run ends or waits: merged and cleaned up, failed, stopped, or parked for a person. Every ending keeps the
 * run's commits reachable (its saved ref) before a worktree or branch is removed.
 */
export function createRunEnd({ d, log, closeLog, setState, task }: RunEndContext) {
  /**
   * Whether this run writes 🟡 when it starts and 🔴 when it fails or stops. Local mode only (with a forge the plan
   * status travels inside the pull request), not with `status_commits = "merge-only"`, and only for a task's first
   * run: a retry's marks would add one more start/reset pair to the target branch for every attempt.
   */
  function marksStatus(run: RunRow): boolean {
    if (d.forge || d.statusCommits === 'merge-only') return false;
    return !d.store.runs.forTask(run.taskId).some((r) => r.id !== run.id && (r.state === 'failed' || r.state === 'stopped'));
  }

  /** A run that waits for a person: no agent, worktree and session kept, the reason on the event stream. */
  function park(run: RunRow, reason: string): StepResult {
    log(run.id, 'orch', reason);
    setState(run, 'waiting', { waitingReason: reason });
    d.emit('run.waiting', run.taskId, run.id, { reason });
    d.onSettled();
    return 'stop';
  }

  /** Keeps every commit reachable (saved ref), then removes the worktree and the merged branch. */
  async function cleanup(run: RunRow): Promise<StepResult> {
    if (d.forge && run.prNumber) await d.forge.deleteBranch(run.branch).catch((e: unknown) => log(run.id, 'orch', `remote branch kept: ${String(e)}`));
    const head = (await d.repo.revParse(`refs/heads/${run.branch}`)) ?? run.commitSha;
    if (head) await saveRunHead(d.repo, run.id, head);
    const removed = await d.repo.removeWorktree(run.worktree);
    if (!removed.ok) log(run.id, 'orch', `worktree kept: ${removed.reason}`);
    else await d.repo.deleteBranch(run.branch);
    setState(run, 'done', { endedAt: new Date().toISOString(), savedRef: head ? savedRefFor(run.id) : null });
    closeLog(run.id);
    d.onSettled();
    return 'stop';
  }

  /** Saves whatever the agent left (commit on its branch + saved ref), removes the worktree, records the reason. */
  async function saveWork(run: RunRow, label: string): Promise<string | null> {
    if (!(await d.repo.worktreeExists(run.worktree))) return run.savedRef;
    const t = task(run);
    // A rebase left half-resolved: back to the branch as it was (its head is saved), never commit conflict markers.
    if (await d.repo.rebasing(run.worktree)) await d.repo.abortRebase(run.worktree);
    const res = await d.repo.commitAll(run.worktree, `wip(${t.module}): ${label} E${String(t.epic).padStart(2, '0')} - ${t.title}`);
    await saveRunHead(d.repo, run.id, res.sha);
    const removed = await d.repo.removeWorktree(run.worktree);
    if (!removed.ok) log(run.id, 'orch', `worktree kept: ${removed.reason}`);
    return savedRefFor(run.id);
  }

  async function fail(run: RunRow, error: string): Promise<StepResult> {
    log(run.id, 'orch', `failed: ${error}`);
    run = d.store.runs.update(run.id, { error });
    const saved = await saveWork(run, 'unfinished').catch((e: unknown) => {
      log(run.id, 'orch', `could not save the worktree: ${String(e)}`);
      return null;
    });
    setState(run, 'failed', { endedAt: new Date().toISOString(), savedRef: saved, pid: null, pgid: null });
    const t = task(run);
    d.store.tasks.setStatus(t.id, 'failed', error);
    d.emit('task.status', t.id, run.id, { status: 'failed', error });
    if (marksStatus(run)) await d.writeback.commit(run.targetBranch, t, { status: 'not_started', note: `failed: ${error.split('\n')[0]?.slice(0, 120)}` });
    closeLog(run.id);
    d.onSettled();
    return 'stop';
  }

  async function finishStopped(run: RunRow, note = STOPPED_NOTE): Promise<StepResult> {
    const saved = await saveWork(run, 'stopped');
    setState(run, 'stopped', { endedAt: new Date().toISOString(), savedRef: saved, pid: null, pgid: null });
    if (note !== STOPPED_NOTE) log(run.id, 'orch', `${note}; its work is kept on ${run.branch} and ${savedRefFor(run.id)}`);
    d.store.tasks.setStatus(run.taskId, 'not_started', note);
    d.emit('task.status', run.taskId, run.id, { status: 'not_started', note });
    if (marksStatus(run)) await d.writeback.commit(run.targetBranch, task(run), { status: 'not_started', note: 'stopped' });
    closeLog(run.id);
    d.onSettled();
    return 'stop';
  }

  return { marksStatus, park, cleanup, fail, finishStopped };
}

export type RunEnd = ReturnType<typeof createRunEnd>;
