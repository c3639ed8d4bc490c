import type { SyncResult } from '../api/index.js';
import type { ModuleInfo } from '../plans/index.js';
import type { Store } from '../store/index.js';
import { uncommittedPlanIssues } from './checkout.js';
import type { Mutex } from './mutex.js';
import type { RepoPort } from './ports.js';
import { stopRemovedRuns } from './removed.js';
import type { Runner } from './runner.js';
import { syncStatusTable, type StatusTableMemo } from './status-table.js';
import type { createUnseenChanges } from './sync.js';

export interface SyncReportDeps {
  store: Store;
  repo: RepoPort;
  runner: Runner;
  unseen: ReturnType<typeof createUnseenChanges>;
  /** The plan is (also) markdown files in this checkout. */
  markdown: boolean;
  /** `[writeback] readme`, and no forge (with one the plan status travels inside pull requests). */
  statusTable: boolean;
  plansDir: string;
  target: string;
  targetMutex: Mutex;
  modules: readonly ModuleInfo[];
  log: (msg: string) => void;
  /** `orch sync --fix`. */
  fix?: boolean;
}

/** The status table's findings of the last `orch sync` that changed nothing, per store (one per daemon). */
const memos = new WeakMap<Store, StatusTableMemo>();
const memoOf = (store: Store): StatusTableMemo => {
  let m = memos.get(store);
  if (!m) memos.set(store, (m = {}));
  return m;
};

/**
 * What a valid sync does after the store took the plan, and what it tells: changes since the last sync a person saw
 * (`seen`), plan edits agents will not read, the status table (on `orch sync` only) and the runs of removed tasks.
 */
export async function afterSync(d: SyncReportDeps, fresh: SyncResult, seen: boolean): Promise<SyncResult> {
  if (!fresh.ok) return fresh;
  let result = seen ? d.unseen.take(fresh) : (d.unseen.keep(fresh), fresh);
  // The markdown plan lives in this checkout: an edit not committed yet is not what agents will read.
  if (d.markdown) result = { ...result, issues: [...result.issues, ...(await uncommittedPlanIssues(d.repo, d.plansDir))] };
  if (seen && d.markdown && d.statusTable) {
    const st = await syncStatusTable({ repo: d.repo, plansDir: d.plansDir, target: d.target, targetMutex: d.targetMutex, modules: d.modules, log: d.log, fix: d.fix === true, memo: memoOf(d.store) }, d.store.tasks.list());
    // The table on the target branch was just checked (and rows of removed or renamed epics fixed): its findings
    // replace the plan reader's about the same rows, so a row is not reported twice or after it was fixed.
    const own = st.checked ? result.issues.filter((i) => i.code !== 'readme_unknown_task') : result.issues;
    result = { ...result, issues: [...own, ...st.issues], ...(st.table ? { statusTable: st.table } : {}) };
  }
  if (fresh.removed.length > 0) {
    const removedRuns = await stopRemovedRuns({ store: d.store, runner: d.runner }, fresh.removed);
    for (const r of removedRuns) d.log(`${r.taskId} removed from the plan; its run ${r.runId} is ${r.outcome}`);
    if (removedRuns.length > 0) result = { ...result, removedRuns };
  }
  return result;
}
