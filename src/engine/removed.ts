import type { RemovedRun } from '../api/index.js';
import type { Store } from '../store/index.js';
import { REMOVED_NOTE, savedRefFor } from './names.js';
import type { Runner } from './runner.js';

/**
 * The runs of tasks a sync found removed from the plan. Nothing the user removed is merged and no work is lost: a
 * running agent is stopped (its work committed to its branch and a saved ref), a run between steps is stopped there,
 * and a run busy in a step without an agent stops at its next one (never at its merge). Only a merge already under
 * way (said as such) or done stays.
 */
export async function stopRemovedRuns(d: { store: Store; runner: Runner }, removed: readonly string[]): Promise<RemovedRun[]> {
  const ids = new Set(removed);
  const out: RemovedRun[] = [];
  for (const run of d.store.runs.active()) {
    if (!ids.has(run.taskId)) continue;
    const base = { taskId: run.taskId, runId: run.id, branch: run.branch, savedRef: savedRefFor(run.id) };
    if (run.state === 'cleanup' || run.state === 'done') {
      out.push({ ...base, outcome: 'merged', mergeCommit: run.mergeCommit });
      continue;
    }
    d.runner.note(run.id, 'its epic was removed from the plan: stopping the run, its work kept');
    if (await d.runner.cancel(run.id, 'stop', REMOVED_NOTE)) out.push({ ...base, outcome: 'stopped' });
    else if (d.runner.isDriving(run.id)) out.push({ ...base, outcome: run.state === 'merging' ? 'merging' : 'stopping' });
    else {
      await d.runner.stopIdle(run, REMOVED_NOTE);
      out.push({ ...base, outcome: 'stopped' });
    }
  }
  return out;
}
