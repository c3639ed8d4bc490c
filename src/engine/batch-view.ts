import type { Run } from '../api/index.js';
import type { Store } from '../store/index.js';
import { RequestError } from './scheduler.js';
import { toRunView } from './views.js';

/**
 * A batch as `orch start --wait` follows it: what merged, what failed, what waits for a person (and why), and
 * whether Orch itself is still busy. `plannerBusy`: the planner is answering that run's question.
 */
export function batchView(store: Store, id: string, plannerBusy: (runId: string) => boolean) {
  const batch = store.batches.get(id);
  if (!batch) throw new RequestError('unknown_batch', `unknown batch ${id}`, 404);
  const runs = store.runs.forBatch(id).map((r) => toRunView(r));
  const latest = new Map<string, Run>();
  for (const r of runs) latest.set(r.taskId, r);
  // A run whose question the planner is still answering waits for Orch, not for a person. A merge waits for a person
  // only when the target checkout has uncommitted changes ("merge waits:", only its owner can commit or stash); a
  // merge waiting for a forge's checks, a rebase or a retry of the forge's API goes on by itself.
  const waitsForPerson = (r: Run): boolean =>
    (r.state === 'waiting' && !r.waitingReason?.startsWith('retrying') && !plannerBusy(r.id)) || (r.state === 'merging' && (r.waitingReason?.startsWith('merge waits:') ?? false));
  return {
    batch,
    runs,
    merged: [...latest.values()].filter((r) => r.state === 'done').map((r) => r.taskId),
    failed: [...latest.values()].filter((r) => r.state === 'failed' || r.state === 'stopped').map((r) => r.taskId),
    needsHuman: [...latest.values()].filter(waitsForPerson).map((r) => ({ taskId: r.taskId, reason: r.waitingReason ?? '' })),
    busy: [...latest.values()].some((r) => !['done', 'failed', 'stopped'].includes(r.state) && !waitsForPerson(r)),
    done: batch.state !== 'active',
  };
}
