import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { abortRebase, conflictBlocks, continueRebase, rebasingBranch, startRebase } from './rebase.js';
import { makeTempRepo, type TempRepo } from './testing.js';

let repo: TempRepo;
afterEach(async () => {
  await repo.cleanup();
});

async function worktree(branch: string): Promise<string> {
  const wt = await repo.git.ensureWorktree(repo.root, { path: join(repo.dir, 'wt', branch), branch, base: 'main' });
  return wt.path;
}

const subjects = async (cwd: string, range: string) => (await repo.git.ok(['log', '--format=%s', range], { cwd })).trim().split('\n').filter(Boolean);

describe('rebase', () => {
  it('replays the branch onto the moved target; a clean rebase needs nobody', async () => {
    repo = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    const wt = await worktree('feat/x');
    await repo.commit('work on a', { 'a.txt': 'a2\n' }, wt);
    const main = await repo.commit('other work on b', { 'b.txt': 'b2\n' });
    const r = await startRebase(repo.git, wt, main);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(await repo.git.isAncestor(repo.root, main, r.head)).toBe(true);
    expect(await repo.git.revParse(repo.root, 'refs/heads/feat/x')).toBe(r.head);
    expect(await subjects(wt, `${main}..HEAD`)).toEqual(['work on a']);
    expect(await rebasingBranch(repo.git, wt)).toBeUndefined();
  });

  it('stops on a conflict with the hunks, continues after the resolution', async () => {
    repo = await makeTempRepo({ files: { 'shared.txt': 'one\ntwo\nthree\n' } });
    const wt = await worktree('feat/x');
    await repo.commit('mine', { 'shared.txt': 'one\nTWO from branch\nthree\n' }, wt);
    const main = await repo.commit('theirs', { 'shared.txt': 'one\nTWO from main\nthree\n' });
    const r = await startRebase(repo.git, wt, main);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.commit).toBe('mine');
    expect(r.conflicts.map((c) => c.path)).toEqual(['shared.txt']);
    expect(r.conflicts[0]?.hunks).toContain('TWO from main');
    expect(r.conflicts[0]?.hunks).toContain('TWO from branch');
    expect(r.conflicts[0]?.hunks).toMatch(/^<<<<<<< /m);
    expect(await rebasingBranch(repo.git, wt)).toBe('refs/heads/feat/x');
    await writeFile(join(wt, 'shared.txt'), 'one\nTWO merged\nthree\n');
    const c = await continueRebase(repo.git, wt);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(await repo.git.isAncestor(repo.root, main, c.head)).toBe(true);
    expect(await readFile(join(wt, 'shared.txt'), 'utf8')).toBe('one\nTWO merged\nthree\n');
    expect(await subjects(wt, `${main}..HEAD`)).toEqual(['mine']);
  });

  it('drops a conflicting commit the caller regenerates (the plan status commit) and keeps the rest', async () => {
    repo = await makeTempRepo({ files: { 'README.md': '| a | 🔴 |\n| b | 🔴 |\n', 'x.txt': 'x\n' } });
    const wt = await worktree('feat/b');
    await repo.commit('feat: b', { 'x.txt': 'x from b\n' }, wt);
    await repo.commit('chore(plan): complete b', { 'README.md': '| a | 🔴 |\n| b | 🟢 |\n' }, wt);
    const main = await repo.commit('feat: a', { 'README.md': '| a | 🟢 |\n| b | 🔴 |\n' });
    const r = await startRebase(repo.git, wt, main, { skipOnConflict: (s) => s.startsWith('chore(plan)') });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.skipped).toEqual(['chore(plan): complete b']);
    expect(await subjects(wt, `${main}..HEAD`)).toEqual(['feat: b']);
  });

  it('abort puts the branch back', async () => {
    repo = await makeTempRepo({ files: { 's.txt': 's\n' } });
    const wt = await worktree('feat/x');
    const mine = await repo.commit('mine', { 's.txt': 'mine\n' }, wt);
    const main = await repo.commit('theirs', { 's.txt': 'theirs\n' });
    expect((await startRebase(repo.git, wt, main)).ok).toBe(false);
    await abortRebase(repo.git, wt);
    expect(await rebasingBranch(repo.git, wt)).toBeUndefined();
    expect(await repo.git.revParse(repo.root, 'HEAD')).toBe(main);
    expect(await repo.git.revParse(wt, 'HEAD')).toBe(mine);
  });
});

describe('conflictBlocks', () => {
  it('keeps each block with two lines of context and cuts long text', () => {
    const text = ['a', 'b', 'c', '<<<<<<< HEAD', 'x', '=======', 'y', '>>>>>>> z', 'd', 'e', 'f'].join('\n');
    expect(conflictBlocks(text)).toBe(['@@ line 4 @@', 'b', 'c', '<<<<<<< HEAD', 'x', '=======', 'y', '>>>>>>> z', 'd', 'e'].join('\n'));
    expect(conflictBlocks(text, 10)).toMatch(/more characters; open the file/);
    expect(conflictBlocks('no markers')).toBe('');
  });
});
