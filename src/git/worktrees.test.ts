import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from './testing.js';

let repo: TempRepo;
let wtPath: string;
beforeEach(async () => {
  repo = await makeTempRepo({ files: { '.gitignore': 'dist/\n', 'a.txt': 'a\n' } });
  wtPath = join(repo.dir, 'worktrees', 'run-1');
});
afterEach(async () => {
  await repo.cleanup();
});

const exists = (p: string) => stat(p).then(() => true, () => false);

describe('ensureWorktree', () => {
  it('creates once and returns the same worktree when called again', async () => {
    const first = await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/core-E01', base: 'main' });
    expect(first).toEqual({ path: wtPath, branch: 'feat/core-E01', head: repo.head, created: true });
    await repo.write({ 'work.txt': 'in progress\n' }, wtPath);
    const second = await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/core-E01', base: 'main' });
    expect(second).toEqual({ ...first, created: false });
    expect(await exists(join(wtPath, 'work.txt'))).toBe(true);
    expect(await repo.git.currentBranchOf(wtPath)).toBe('feat/core-E01');
    expect(await repo.git.worktreeForBranch(repo.root, 'feat/core-E01')).toBe(wtPath);
    expect(await repo.git.worktreeForBranch(repo.root, 'main')).toBe(repo.root);
    expect(await repo.git.currentBranchOf(repo.root)).toBe('main');
  });

  it('recreates a worktree whose directory was deleted, keeping the branch and its commits', async () => {
    await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/x', base: 'main' });
    const work = await repo.commit('work', { 'x.txt': 'x\n' }, wtPath);
    await rm(wtPath, { recursive: true, force: true });
    const again = await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/x', base: 'main' });
    expect(again).toMatchObject({ created: true, head: work });
    expect(await exists(join(wtPath, 'x.txt'))).toBe(true);
    expect((await repo.git.listWorktrees(repo.root)).filter((w) => w.prunable)).toEqual([]);
  });

  it('recovers from a half-created worktree left "initializing" by a crash', async () => {
    await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/x', base: 'main' });
    const admin = await repo.git.gitDir(wtPath);
    await writeFile(join(admin, 'locked'), 'initializing');
    await rm(join(wtPath, 'a.txt'));
    const again = await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/x', base: 'main' });
    expect(again.created).toBe(true);
    expect(await exists(join(wtPath, 'a.txt'))).toBe(true);
    expect(await repo.git.isClean(wtPath)).toBe(true);
  });

  it('moves a foreign directory at the path aside instead of deleting it', async () => {
    await mkdir(wtPath, { recursive: true });
    await writeFile(join(wtPath, '.git'), 'gitdir: /nonexistent/worktrees/run-1\n');
    await writeFile(join(wtPath, 'stray.txt'), 'keep me\n');
    const wt = await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/y', base: 'main' });
    expect(wt.created).toBe(true);
    expect(wt.movedAside).toMatch(/run-1\.orch-stale-\d+$/);
    expect(await readdir(wt.movedAside as string)).toContain('stray.txt');
    expect(await repo.git.currentBranchOf(wtPath)).toBe('feat/y');
  });

  it('checks out an existing branch instead of recreating it from the base', async () => {
    const wt = await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/z', base: 'main' });
    const work = await repo.commit('work', { 'z.txt': 'z\n' }, wt.path);
    await repo.git.ok(['worktree', 'remove', wt.path], { cwd: repo.root });
    await repo.commit('main moves on', { 'm.txt': 'm\n' });
    expect(await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/z', base: 'main' })).toMatchObject({ head: work });
  });

  it('refuses a path that is a worktree on another branch', async () => {
    await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/a', base: 'main' });
    await expect(repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/b', base: 'main' })).rejects.toThrow(/already a worktree on refs\/heads\/feat\/a/);
  });
});

describe('clearStaleLocks', () => {
  it('removes only lock files older than the threshold', async () => {
    await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/a', base: 'main' });
    const lock = join(await repo.git.gitDir(wtPath), 'index.lock');
    await writeFile(lock, '');
    expect(await repo.git.clearStaleLocks(wtPath, 60_000)).toEqual([]);
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    const wt = await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/a', base: 'main', staleLockMs: 60_000 });
    expect(wt.clearedLocks).toEqual([lock]);
    expect(await exists(lock)).toBe(false);
  });
});

describe('removeWorktree', () => {
  it('refuses while work is uncommitted or untracked, and succeeds once it is saved', async () => {
    await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/a', base: 'main' });
    await repo.write({ 'a.txt': 'edited\n', 'new.txt': 'new\n', 'dist/out.js': 'ignored\n' }, wtPath);
    const refused = await repo.git.removeWorktree(repo.root, wtPath);
    expect(refused).toMatchObject({ ok: false, reason: 'dirty', paths: ['a.txt', 'new.txt'] });
    expect(await exists(join(wtPath, 'new.txt'))).toBe(true);

    const saved = await repo.git.saveWorktree(repo.root, wtPath, 'run-1');
    expect(saved.ref).toBe('refs/orch/saved/run-1');
    expect(await repo.git.statusPorcelain(wtPath)).toHaveLength(2);
    expect(await repo.git.removeWorktree(repo.root, wtPath)).toEqual({ ok: true, removed: true });
    expect(await exists(wtPath)).toBe(false);
    expect(await repo.git.readFileAt(repo.root, saved.ref, 'new.txt')).toBe('new\n');
    expect(await repo.git.readFileAt(repo.root, saved.ref, 'a.txt')).toBe('edited\n');
    expect(await repo.git.readFileAt(repo.root, saved.ref, 'dist/out.js')).toBeUndefined();
    expect(await repo.git.removeWorktree(repo.root, wtPath)).toEqual({ ok: true, removed: false });
  });

  it('refuses a detached HEAD whose commits no ref reaches, until saveRef', async () => {
    await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/a', base: 'main' });
    await repo.git.ok(['checkout', '--quiet', '--detach'], { cwd: wtPath });
    const orphan = await repo.commit('detached work', { 'd.txt': 'd\n' }, wtPath);
    expect(await repo.git.removeWorktree(repo.root, wtPath)).toMatchObject({ ok: false, reason: 'unsaved-commits' });
    await repo.git.saveRef(repo.root, 'run-1', orphan);
    expect(await repo.git.removeWorktree(repo.root, wtPath)).toEqual({ ok: true, removed: true });
  });

  it('never removes the main checkout or a directory that is not a worktree', async () => {
    expect(await repo.git.removeWorktree(repo.root, repo.root, { force: true })).toMatchObject({ ok: false, reason: 'main-worktree' });
    await mkdir(wtPath, { recursive: true });
    expect(await repo.git.removeWorktree(repo.root, wtPath)).toMatchObject({ ok: false, reason: 'not-a-worktree' });
  });

  it('prunes a worktree whose directory is already gone', async () => {
    await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/a', base: 'main' });
    await rm(wtPath, { recursive: true });
    expect(await repo.git.removeWorktree(repo.root, wtPath)).toEqual({ ok: true, removed: true });
    expect(await repo.git.listWorktrees(repo.root)).toHaveLength(1);
  });
});

describe('deleteBranch', () => {
  it('refuses a checked-out or unmerged branch, deletes a saved one, and is idempotent', async () => {
    await repo.git.ensureWorktree(repo.root, { path: wtPath, branch: 'feat/a', base: 'main' });
    const tip = await repo.commit('work', { 'w.txt': 'w\n' }, wtPath);
    expect(await repo.git.deleteBranch(repo.root, 'feat/a')).toMatchObject({ ok: false, reason: 'checked-out' });
    expect(await repo.git.removeWorktree(repo.root, wtPath)).toEqual({ ok: true, removed: true });
    expect(await repo.git.deleteBranch(repo.root, 'feat/a')).toMatchObject({ ok: false, reason: 'unmerged' });
    await repo.git.saveRef(repo.root, 'run-1', tip);
    expect(await repo.git.deleteBranch(repo.root, 'feat/a')).toEqual({ ok: true, deleted: true });
    expect(await repo.git.branchExists(repo.root, 'feat/a')).toBe(false);
    expect(await repo.git.deleteBranch(repo.root, 'feat/a')).toEqual({ ok: true, deleted: false });
    expect(await repo.git.revParse(repo.root, 'refs/orch/saved/run-1')).toBe(tip);
  });
});
