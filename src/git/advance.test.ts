import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from './testing.js';

let repo: TempRepo;
afterEach(async () => {
  await repo.cleanup();
});

/** A squash of a branch that edits `files`, built but not yet applied to main. */
async function pendingMerge(files: Record<string, string>, branch = 'feat/a'): Promise<{ from: string; to: string }> {
  const wt = await repo.git.ensureWorktree(repo.root, { path: join(repo.dir, 'wt', branch), branch, base: 'main' });
  await repo.commit(`work on ${branch}`, files, wt.path);
  const r = await repo.git.squashMerge(repo.root, { target: 'main', source: branch, message: `squash ${branch}` });
  if (!r.ok) throw new Error(r.message);
  return { from: r.parent, to: r.commit };
}

const read = (path: string) => readFile(join(repo.root, path));
const tip = () => repo.git.revParse(repo.root, 'refs/heads/main');

describe('advanceBranch with the target checked out in the user checkout', () => {
  beforeEach(async () => {
    repo = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n' }, hooks: true });
  });

  it('fast-forwards in the clean checkout, updating its files and index', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n', 'c.txt': 'c\n' });
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toEqual({ ok: true, how: 'ff-checkout', worktree: repo.root });
    expect(await tip()).toBe(to);
    expect((await read('a.txt')).toString()).toBe('A\n');
    expect((await read('c.txt')).toString()).toBe('c\n');
    expect(await repo.git.isClean(repo.root)).toBe(true);
    // Repeating a completed advance is a no-op.
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: true, how: 'already' });
  });

  it('with mayBeDirty: allowed edits the merge does not touch stay and the checkout fast-forwards; touched ones stop it', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n', 'c.txt': 'c\n' });
    await writeFile(join(repo.root, 'b.txt'), 'plan edit\n');
    const plans = (p: string): boolean => p === 'a.txt' || p === 'b.txt';
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: false, reason: 'dirty', paths: ['b.txt'] });
    await writeFile(join(repo.root, 'a.txt'), 'edit the merge touches\n');
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to, mayBeDirty: plans })).toMatchObject({ ok: false, reason: 'dirty', paths: ['a.txt'] });
    await writeFile(join(repo.root, 'a.txt'), 'a\n');
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to, mayBeDirty: plans })).toMatchObject({ ok: true, how: 'ff-checkout' });
    expect(await tip()).toBe(to);
    expect((await read('b.txt')).toString()).toBe('plan edit\n');
    expect((await read('a.txt')).toString()).toBe('A\n');
  });

  it('a merge that git abandons half-way (hook refuses the ref) is undone in the checkout, then succeeds', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n', 'c.txt': 'c\n' });
    const hook = join(repo.root, '.git', 'hooks', 'reference-transaction');
    await writeFile(hook, '#!/bin/sh\n[ "$1" = prepared ] || exit 0\ngrep -q refs/heads/main && exit 1\nexit 0\n', { mode: 0o755 });
    await expect(repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).rejects.toThrow(/ref updates aborted by hook/);
    // The files the failed merge checked out are switched back: the checkout is clean and at `from`.
    expect(await tip()).toBe(from);
    expect(await repo.git.isClean(repo.root)).toBe(true);
    expect((await read('a.txt')).toString()).toBe('a\n');
    await writeFile(hook, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: true, how: 'ff-checkout' });
    expect((await read('c.txt')).toString()).toBe('c\n');
  });

  it('a half-done merge left by a killed process is undone before merging; a user edit on top is never touched', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n', 'c.txt': 'c\n' });
    // As a git killed between checkout and ref update leaves it: index and files at `to`, HEAD at `from`.
    await repo.git.ok(['read-tree', '-m', '-u', from, to], { cwd: repo.root });
    await writeFile(join(repo.root, 'c.txt'), 'user edit\n');
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: false, reason: 'dirty' });
    expect((await read('c.txt')).toString()).toBe('user edit\n');
    await writeFile(join(repo.root, 'c.txt'), 'c\n');
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: true, how: 'ff-checkout' });
    expect(await tip()).toBe(to);
    expect(await repo.git.isClean(repo.root)).toBe(true);
  });

  it('refuses while a tracked file is modified and leaves file and index byte-identical', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n' });
    await writeFile(join(repo.root, 'b.txt'), 'user edit, not staged\n');
    await writeFile(join(repo.root, 'a.txt'), 'user edit, staged\n');
    await repo.git.ok(['add', 'a.txt'], { cwd: repo.root });
    const before = { a: await read('a.txt'), b: await read('b.txt'), index: await read('.git/index') };
    const r = await repo.git.advanceBranch(repo.root, { branch: 'main', from, to });
    expect(r).toMatchObject({ ok: false, reason: 'dirty', paths: ['a.txt', 'b.txt'] });
    expect({ a: await read('a.txt'), b: await read('b.txt'), index: await read('.git/index') }).toEqual(before);
    expect(await tip()).toBe(from);
  });

  it('advances past an untracked file the merge does not touch', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n' });
    await writeFile(join(repo.root, 'notes.txt'), 'mine\n');
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: true, how: 'ff-checkout' });
    expect((await read('notes.txt')).toString()).toBe('mine\n');
    expect((await read('a.txt')).toString()).toBe('A\n');
  });

  it('refuses to overwrite an untracked file the merge would create', async () => {
    const { from, to } = await pendingMerge({ 'new.txt': 'from the agent\n' });
    await writeFile(join(repo.root, 'new.txt'), 'the user\n');
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: false, reason: 'dirty', paths: ['new.txt'] });
    expect((await read('new.txt')).toString()).toBe('the user\n');
    expect(await tip()).toBe(from);
  });

  it('reports moved when the user committed since the merge was built', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n' });
    const userCommit = await repo.commit('user work', { 'u.txt': 'u\n' });
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: false, reason: 'moved' });
    expect(await tip()).toBe(userCommit);
  });
});

describe('advanceBranch with the target not checked out', () => {
  beforeEach(async () => {
    repo = await makeTempRepo({ files: { 'a.txt': 'a\n' } });
    // The user works on another branch, so main is checked out nowhere.
    await repo.git.ok(['switch', '--quiet', '-c', 'user-topic'], { cwd: repo.root });
  });

  it('moves the ref with update-ref and leaves the user checkout alone', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n' });
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toEqual({ ok: true, how: 'update-ref' });
    expect(await tip()).toBe(to);
    expect((await read('a.txt')).toString()).toBe('a\n');
    expect(await repo.git.currentBranchOf(repo.root)).toBe('user-topic');
  });

  it('fails the compare-and-swap when someone else moved the branch', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n' });
    const other = await repo.git.commitFilesOnto(repo.root, { target: 'main', files: [{ path: 'o.txt', content: 'o\n' }], message: 'other' });
    await repo.git.ok(['update-ref', 'refs/heads/main', other.commit, from], { cwd: repo.root });
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: false, reason: 'moved' });
    expect(await tip()).toBe(other.commit);
  });

  it('refuses a target that does not descend from the expected tip', async () => {
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n' });
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from: to, to: from })).toMatchObject({ ok: false, reason: 'not-fast-forward' });
    expect(await tip()).toBe(from);
  });

  it('refuses while the branch is being rebased (its checkout is detached meanwhile)', async () => {
    await repo.git.ok(['switch', '--quiet', 'main'], { cwd: repo.root });
    await repo.commit('second', { 'b.txt': 'b\n' });
    const { from, to } = await pendingMerge({ 'a.txt': 'A\n' });
    await repo.git.run(['rebase', '--exec', 'false', 'HEAD~1'], { cwd: repo.root });
    expect(await repo.git.currentBranchOf(repo.root)).toBeUndefined();
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from, to })).toMatchObject({ ok: false, reason: 'dirty', detail: expect.stringContaining('rebased') });
    expect(await tip()).toBe(from);
  });
});
