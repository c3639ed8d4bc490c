import type { Emit } from './emit.js';
import type { Store } from '../store/index.js';
import type { RepoPort } from './ports.js';

export interface ReapDeps {
  repo: RepoPort;
  store: Store;
  worktreesDir: string;
  log: (msg: string) => void;
  emit: Emit;
}

/**
 * Startup: a worktree under Orch's worktrees root that no unfinished run owns (left by a crash between creating it
 * and recording it, or by a run whose record is gone) is saved to a ref when it holds work, then removed. Each one
 * is named in the daemon log and as a `worktree.orphan` event. A failure here is logged, never fatal.
 */
export async function reapOrphans(d: ReapDeps): Promise<void> {
  const owned = d.store.runs.active().map((r) => r.worktree);
  let reaped;
  try {
    reaped = await d.repo.reapOrphanWorktrees(d.worktreesDir, owned);
  } catch (e) {
    d.log(`orphan worktrees not checked: ${(e as Error).message.split('\n')[0] ?? ''}; they stay until the next start`);
    return;
  }
  for (const r of reaped) {
    const what = r.kind === 'worktree' ? 'worktree' : 'directory';
    const saved = r.savedRef ? `its work saved to ${r.savedRef}` : 'nothing unsaved in it';
    d.log(r.removed ? `${what} ${r.path} belonged to no run: ${saved}, removed` : `${what} ${r.path} belongs to no run: ${saved}, kept (${r.detail ?? 'not removable'})`);
    d.emit('worktree.orphan', null, null, { path: r.path, kind: r.kind, savedRef: r.savedRef, removed: r.removed, ...(r.detail ? { detail: r.detail } : {}) });
  }
}
