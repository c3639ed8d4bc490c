import type { Store } from '../store/index.js';
import type { Runner } from './runner.js';
import { normalizeTaskId, RequestError } from './scheduler.js';
import { toRunView } from './views.js';

export interface ReviewDeskDeps {
  store: Store;
  runner: () => Pick<Runner, 'approve'>;
}

/** Changes that wait for a person's review (W6): the queue and the approval (the diff to read is the run's, `GET /api/runs/:id/diff`) that merges one. */
export function createReviewDesk(d: ReviewDeskDeps) {
  const inReview = (taskId: string) => {
    const id = normalizeTaskId(taskId);
    const run = d.store.runs.forTask(id).find((r) => r.state === 'waiting' && r.review !== null);
    if (!run) throw new RequestError('not_in_review', `${id} is not waiting for review; \`orch pr review\` lists what is`, 409);
    return { id, run };
  };
  return {
    /** Changes that wait for a human review, with the reasons (W6 attention queue). */
    reviewQueue() {
      return d.store.runs
        .active()
        .filter((r) => r.state === 'waiting' && r.review !== null && !r.approvedBy)
        .map((r) => ({ taskId: r.taskId, run: toRunView(r), decision: JSON.parse(r.review ?? '{}') as Record<string, unknown> }));
    },
    /** A human says merge it. */
    approve(taskId: string, by: string): { runId: string } {
      const { run } = inReview(taskId);
      d.runner().approve(run.id, by);
      return { runId: run.id };
    },
  };
}
