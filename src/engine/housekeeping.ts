import type { Config } from '../config/index.js';
import { parkOverdueQuestions } from '../questions/index.js';
import type { StuckDetector } from '../resilience/index.js';
import type { Store } from '../store/index.js';
import type { Emit } from './emit.js';
import type { Runner } from './runner.js';

export interface HousekeepingDeps {
  store: Store;
  runner: Pick<Runner, 'hasAgent' | 'cancel'>;
  stuck: StuckDetector;
  emit: Emit;
  now: () => Date;
  /** The planner is answering this run's question. */
  plannerBusy: (runId: string) => boolean;
  questionTimeout: () => Config['agent']['question_timeout'];
}

/** The daemon's periodic chores: park questions nobody answered in time, stop agents that went quiet (stuck). */
export function housekeeping(d: HousekeepingDeps): void {
  parkOverdueQuestions(
    {
      open: () => d.store.signals.openQuestions(),
      run: (id) => d.store.runs.get(id),
      busy: (runId) => d.plannerBusy(runId),
      park: (run, reason) => {
        d.store.runs.update(run.id, { waitingReason: reason });
        d.emit('run.waiting', run.taskId, run.id, { reason });
      },
      now: d.now,
    },
    d.questionTimeout(),
  );
  for (const s of d.stuck.stuckRuns()) if (d.runner.hasAgent(s.runId)) void d.runner.cancel(s.runId, 'stuck');
}
