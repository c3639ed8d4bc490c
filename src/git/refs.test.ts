import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoPlace } from './refs.js';
import { makeTempRepo, type TempRepo } from './testing.js';

let repo: TempRepo;
afterEach(async () => {
  await repo.cleanup();
});

describe('repository queries', () => {
  it('finds the root, resolves refs and reads files at a ref', async () => {
    repo = await makeTempRepo({ files: { 'docs/plan.md': '# Plan\n' } });
    await mkdir(join(repo.root, 'docs', 'deep'), { recursive: true });
    expect(await repo.git.repoRoot(join(repo.root, 'docs', 'deep'))).toBe(repo.root);
    expect(await repo.git.repoRoot(repo.dir)).toBeUndefined();
    expect(await repo.git.revParse(repo.root, 'main')).toBe(repo.head);
    expect(await repo.git.revParse(repo.root, 'nope')).toBeUndefined();
    await expect(repo.git.revParse(repo.root, '--all')).rejects.toThrow(/must not start with "-"/);
    expect(await repo.git.readFileAt(repo.root, 'main', 'docs/plan.md')).toBe('# Plan\n');
    expect(await repo.git.readFileAt(repo.root, 'main', 'missing.md')).toBeUndefined();
    expect(await repo.git.readFileAt(repo.root, 'nope', 'docs/plan.md')).toBeUndefined();
    expect(await repo.git.isAncestor(repo.root, repo.head, 'main')).toBe(true);
    expect(await repo.git.branchExists(repo.root, 'main')).toBe(true);
    expect(await repo.git.branchExists(repo.root, 'nope')).toBe(false);
  });

  it('picks the default branch: origin/HEAD, then main, then master, then the current branch', async () => {
    repo = await makeTempRepo({ branch: 'trunk' });
    expect(await repo.git.defaultBranch(repo.root)).toBe('trunk');
    await repo.git.ok(['branch', 'master'], { cwd: repo.root });
    expect(await repo.git.defaultBranch(repo.root)).toBe('master');
    await repo.git.ok(['branch', 'main'], { cwd: repo.root });
    expect(await repo.git.defaultBranch(repo.root)).toBe('main');
    await repo.git.ok(['update-ref', 'refs/remotes/origin/develop', repo.head], { cwd: repo.root });
    await repo.git.ok(['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/develop'], { cwd: repo.root });
    expect(await repo.git.defaultBranch(repo.root)).toBe('develop');
    // A broken origin/HEAD (the branch it names was pruned) names no branch to target: main, as without one.
    await repo.git.ok(['update-ref', '-d', 'refs/remotes/origin/develop'], { cwd: repo.root });
    expect(await repo.git.defaultBranch(repo.root)).toBe('main');
  });

  it('a branch under main/ is not main; the place of a checkout is its root and the shared git dir', async () => {
    repo = await makeTempRepo({ branch: 'trunk' });
    await repo.git.ok(['branch', 'main/feature'], { cwd: repo.root });
    expect(await repo.git.defaultBranch(repo.root)).toBe('trunk');
    expect(await repoPlace(repo.git, repo.root)).toEqual({ root: repo.root, commonDir: join(repo.root, '.git') });
    expect(await repoPlace(repo.git, repo.dir)).toBeUndefined();
  });

  it('reports status entries and cleanliness, optionally ignoring untracked files', async () => {
    repo = await makeTempRepo({ files: { 'a.txt': 'a\n', '.gitignore': '*.log\n' } });
    expect(await repo.git.isClean(repo.root)).toBe(true);
    await writeFile(join(repo.root, 'debug.log'), 'ignored\n');
    await writeFile(join(repo.root, 'new file.txt'), 'n\n');
    expect(await repo.git.isClean(repo.root)).toBe(false);
    expect(await repo.git.isClean(repo.root, { ignoreUntracked: true })).toBe(true);
    await writeFile(join(repo.root, 'a.txt'), 'changed\n');
    await repo.git.ok(['mv', 'a.txt', 'b.txt'], { cwd: repo.root });
    expect(await repo.git.statusPorcelain(repo.root)).toEqual([
      { path: 'b.txt', origPath: 'a.txt', index: 'R', worktree: 'M', untracked: false, ignored: false },
      { path: 'new file.txt', index: '?', worktree: '?', untracked: true, ignored: false },
    ]);
  });
});
