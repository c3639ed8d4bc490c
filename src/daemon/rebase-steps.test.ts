// The engine's rebase steps (W7) against a real repository port and a real store.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../git/testing.js';
import { createStore } from '../store/index.js';
import { createRebaseSteps } from '../engine/rebase-step.js';
import { createRepoPort } from './repo.js';
import type { Decision } from '../review/index.js';

let repo: TempRepo;
let close = (): void => undefined;
afterEach(async () => {
  close();
  await repo.cleanup();
});

async function setup(maxAttempts = 1) {
  repo = await makeTempRepo({ files: { 'shared.txt': 'one\ntwo\nthree\n', 'other.txt': 'o\n' }, hooks: true });
  const store = createStore(join(repo.dir, 'orch.db'));
  close = () => store.db.close();
  store.tasks.sync(
    [{ id: 'm/E01', module: 'm', epic: 1, title: 'T', description: '', file: 'docs/e.md', body: '', priority: 'medium', dependsOn: [], dependencySources: [], needsReview: false, touches: [], conflictsWith: [] }],
    () => false,
  );
  const worktree = join(repo.dir, 'wt');
  const port = createRepoPort(repo.git, repo.root);
  await port.ensureWorktree({ path: worktree, branch: 'feat/m-E01', base: repo.head });
  store.runs.create({ id: 'r1', taskId: 'm/E01', batchId: null, attempt: 1, branch: 'feat/m-E01', worktree, targetBranch: 'main', backend: 'claude', model: null });
  const lines: string[] = [];
  const flagged: string[] = [];
  const steps = createRebaseSteps({ store, repo: port, maxAttempts, log: (_id, l) => lines.push(l), flag: async (r) => void flagged.push(r.id) });
  const t = store.tasks.get('m/E01');
  if (!t) throw new Error('no task');
  return { store, port, steps, worktree, t, lines, flagged };
}

describe('rebase steps', () => {
  it('clean: the branch is rebased, the old head saved, base and head recorded', async () => {
    const { store, port, steps, worktree, t } = await setup();
    const old = await repo.commit('mine', { 'other.txt': 'mine\n' }, worktree);
    store.runs.update('r1', { baseSha: repo.head, commitSha: old });
    const tip = await repo.commit('theirs', { 'shared.txt': 'one\nTWO\nthree\n' });
    const r = await steps.rebase(store.runs.get('r1')!, t, 'main', tip);
    expect(r.kind).toBe('clean');
    expect(await port.rebasing(worktree)).toBe(false);
    const run = store.runs.get('r1')!;
    expect(run.baseSha).toBe(tip);
    expect(run.commitSha).toBe(await port.revParse('refs/heads/feat/m-E01'));
    expect(await port.revParse('refs/orch/saved/r1')).toBe(old);
    // Already on top: nothing to do.
    expect((await steps.rebase(run, t, 'main', tip)).kind).toBe('current');
    // A second rebase keeps the first pre-rebase head reachable under its own ref.
    const tip2 = await repo.commit('theirs again', { 'shared.txt': 'one\nTWO\nTHREE\n' });
    const mid = run.commitSha ?? '';
    expect((await steps.rebase(store.runs.get('r1')!, t, 'main', tip2)).kind).toBe('clean');
    expect(await port.revParse('refs/orch/saved/r1')).toBe(mid);
    expect(await port.revParse(`refs/orch/saved/r1-${old.slice(0, 12)}`)).toBe(old);
  });

  it('conflict: to the agent with the hunks; markers left: back again until the attempts run out, then a person', async () => {
    const { store, port, steps, worktree, t, flagged } = await setup(2);
    const old = await repo.commit('mine', { 'shared.txt': 'one\nTWO mine\nthree\n' }, worktree);
    store.runs.update('r1', { baseSha: repo.head, commitSha: old, review: JSON.stringify({ category: 'routine', flagged: false, reasons: [] }) });
    const tip = await repo.commit('theirs', { 'shared.txt': 'one\nTWO theirs\nthree\n' });
    const r = await steps.rebase(store.runs.get('r1')!, t, 'main', tip);
    expect(r.kind).toBe('agent');
    if (r.kind !== 'agent') return;
    expect(r.prompt).toContain('- shared.txt');
    expect(r.prompt).toMatch(/<<<<<<< [^\n]*\nTWO theirs\n=======\nTWO mine\n>>>>>>> /);
    expect(store.runs.get('r1')?.fixAttempts).toBe(1);
    expect(await port.rebasing(worktree)).toBe(true);

    // The agent left the markers: once more to the agent, then a person gets it, flagged, with the file as the reason.
    const again = await steps.resume(store.runs.get('r1')!, t, 'main');
    expect(again.kind).toBe('agent');
    if (again.kind !== 'agent') return;
    expect(again.prompt).toMatch(/^Conflict markers \(<<<<<<< ======= >>>>>>>\) are still in:\n- shared.txt/);
    expect(flagged).toEqual([]);
    const h = await steps.resume(store.runs.get('r1')!, t, 'main');
    expect(h.kind).toBe('human');
    if (h.kind !== 'human') return;
    expect(h.reason).toMatch(/^rebase onto main conflicts in shared.txt; the agent did not resolve it after 2 attempt/);
    expect(flagged).toEqual(['r1']);
    const d = JSON.parse(store.runs.get('r1')?.review ?? '{}') as Decision;
    expect(d.flagged).toBe(true);
    expect(d.reasons[0]).toMatchObject({ rule: 'conflict/unresolved', file: 'shared.txt' });
    expect(store.tasks.get('m/E01')?.status).toBe('needs_review');
    expect(await port.revParse('refs/heads/feat/m-E01')).toBe(old);

    // The person resolves it: the rebase goes on and lands on the new base.
    writeFileSync(join(worktree, 'shared.txt'), 'one\nTWO both\nthree\n');
    const c = await steps.resume(store.runs.get('r1')!, t, 'main');
    expect(c.kind).toBe('clean');
    const head = await port.revParse('refs/heads/feat/m-E01');
    expect(store.runs.get('r1')?.commitSha).toBe(head);
    expect(await port.isAncestor(tip, head!)).toBe(true);
    expect(readFileSync(join(worktree, 'shared.txt'), 'utf8')).toBe('one\nTWO both\nthree\n');
  });

  it('git failing mid-rebase (a hook refuses the ref update): aborted with git\'s reason, nothing lost, and the next try rebases', async () => {
    const { store, port, steps, worktree, t } = await setup();
    const old = await repo.commit('mine', { 'other.txt': 'mine\n' }, worktree);
    const tip = await repo.commit('theirs', { 'shared.txt': 'x\n' });
    const hook = join(repo.root, '.git', 'hooks', 'reference-transaction');
    mkdirSync(dirname(hook), { recursive: true });
    writeFileSync(hook, '#!/bin/sh\n[ "$1" = prepared ] || exit 0\nwhile read o n ref; do [ "$ref" = refs/heads/feat/m-E01 ] && { echo "refusing $ref" >&2; exit 1; }; done\nexit 0\n', { mode: 0o755 });
    const started = Date.now();
    await expect(steps.rebase(store.runs.get('r1')!, t, 'main', tip)).rejects.toThrow(/ref updates aborted by hook/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The abort itself updates the branch ref, which the hook refuses too: the branch is untouched either way.
    expect(await port.revParse('refs/heads/feat/m-E01')).toBe(old);
    expect(await port.revParse('refs/orch/saved/r1')).toBe(old);
    rmSync(hook);
    // Git works again: the half-finished rebase is aborted on the first try if it cannot go on; the driver's
    // retry (a failing step is tried again) then rebases from the saved head.
    let r = await steps.rebase(store.runs.get('r1')!, t, 'main', tip).catch(() => undefined);
    r ??= await steps.rebase(store.runs.get('r1')!, t, 'main', tip);
    expect(r.kind).toBe('clean');
    const head = await port.revParse('refs/heads/feat/m-E01');
    expect(head).not.toBe(old);
    expect(await port.isAncestor(tip, head!)).toBe(true);
    expect(readFileSync(join(worktree, 'other.txt'), 'utf8')).toBe('mine\n');
  });

  it('after a crash mid-way the recorded head catches up with the rebased branch', async () => {
    const { store, port, steps, worktree, t } = await setup();
    const old = await repo.commit('mine', { 'other.txt': 'mine\n' }, worktree);
    const tip = await repo.commit('theirs', { 'shared.txt': 'x\n' });
    await repo.git.ok(['rebase', '--quiet', tip], { cwd: worktree });
    store.runs.update('r1', { baseSha: tip, commitSha: old });
    const r = await steps.rebase(store.runs.get('r1')!, t, 'main', tip);
    expect(r.kind).toBe('current');
    expect(store.runs.get('r1')?.commitSha).toBe(await port.revParse('refs/heads/feat/m-E01'));
  });
});
