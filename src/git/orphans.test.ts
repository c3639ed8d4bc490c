import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from './testing.js';
import { orphanRefFor, reapOrphanWorktrees } from './orphans.js';
import { listWorktrees } from './worktrees.js';
import { readFileAt, revParse } from './refs.js';

let repo: TempRepo;
afterEach(async () => {
  await repo.cleanup();
});

describe('reapOrphanWorktrees', () => {
  it('saves and removes worktrees no run owns, keeps owned ones and worktrees outside the root', async () => {
    repo = await makeTempRepo();
    const root = join(repo.dir, 'worktrees');
    const add = async (path: string, branch: string) => repo.git.ok(['worktree', 'add', '--quiet', '-b', branch, path, 'main'], { cwd: repo.root });
    await add(join(root, 'rowned'), 'feat/owned');
    await add(join(root, 'rdirty'), 'feat/dirty');
    await add(join(root, 'rcommitted'), 'feat/committed');
    await add(join(root, 'rclean'), 'feat/clean');
    await add(join(repo.dir, 'users-own'), 'mine');
    await repo.write({ 'wip.txt': 'unsaved\n' }, join(root, 'rdirty'));
    await repo.write({ 'owned.txt': 'x\n' }, join(root, 'rowned'));
    const committed = await repo.commit('work only this branch has', { 'c.txt': 'c\n' }, join(root, 'rcommitted'));

    const reaped = await reapOrphanWorktrees(repo.git, repo.root, root, [join(root, 'rowned')]);
    const by = new Map(reaped.map((r) => [r.path.split('/').pop(), r]));
    expect([...by.keys()].sort()).toEqual(['rclean', 'rcommitted', 'rdirty']);
    expect(reaped.every((r) => r.removed && r.kind === 'worktree')).toBe(true);
    // Dirty: its uncommitted file is on the saved ref.
    expect(by.get('rdirty')?.savedRef).toBe('refs/orch/saved/orphan-rdirty');
    expect(await readFileAt(repo.git, repo.root, 'refs/orch/saved/orphan-rdirty', 'wip.txt')).toBe('unsaved\n');
    // Committed work only its branch reaches is saved too; a clean worktree at main holds nothing to save.
    expect(await revParse(repo.git, repo.root, 'refs/orch/saved/orphan-rcommitted')).toBe(committed);
    expect(by.get('rclean')?.savedRef).toBeNull();
    const left = (await listWorktrees(repo.git, repo.root)).map((w) => w.path.split('/').pop());
    expect(left.sort()).toEqual(['repo', 'rowned', 'users-own']);
    expect(existsSync(join(root, 'rowned', 'owned.txt'))).toBe(true);
    // Nothing left to do on a second pass.
    expect(await reapOrphanWorktrees(repo.git, repo.root, root, [join(root, 'rowned')])).toEqual([]);
  });

  it('saves the files of a leftover directory that is not a worktree, then removes it', async () => {
    repo = await makeTempRepo();
    const root = join(repo.dir, 'worktrees');
    const stale = join(root, 'r1.orch-stale-123');
    await mkdir(join(stale, 'src'), { recursive: true });
    await writeFile(join(stale, 'src', 'half.txt'), 'half written\n');
    await writeFile(join(stale, '.git'), 'gitdir: /nonexistent\n');
    await mkdir(join(root, 'empty'));
    const reaped = await reapOrphanWorktrees(repo.git, repo.root, root, []);
    expect(reaped.map((r) => ({ kind: r.kind, ref: r.savedRef })).sort((a, b) => String(a.ref).localeCompare(String(b.ref)))).toEqual([
      { kind: 'directory', ref: null },
      { kind: 'directory', ref: orphanRefFor(stale) },
    ]);
    expect(orphanRefFor(stale)).toBe('refs/orch/saved/orphan-r1-orch-stale-123');
    expect(await readFileAt(repo.git, repo.root, orphanRefFor(stale), 'src/half.txt')).toBe('half written\n');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(join(root, 'empty'))).toBe(false);
  });

  it('does nothing when the root does not exist', async () => {
    repo = await makeTempRepo();
    expect(await reapOrphanWorktrees(repo.git, repo.root, join(repo.dir, 'none'), [])).toEqual([]);
  });
});
