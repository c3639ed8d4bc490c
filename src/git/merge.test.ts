import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGit } from './index.js';
import { makeTempRepo, type TempRepo } from './testing.js';

let repo: TempRepo;
afterEach(async () => {
  await repo.cleanup();
});

/** Creates `branch` from `base` with one commit of `files`, without touching the main checkout. */
async function branchWith(branch: string, files: Record<string, string>, base = 'main'): Promise<string> {
  const wt = await repo.git.ensureWorktree(repo.root, { path: join(repo.dir, 'wt', branch), branch, base });
  return repo.commit(`work on ${branch}`, files, wt.path);
}

async function fileSnapshot(): Promise<{ index: Buffer; head: string | undefined; status: string }> {
  return {
    index: await readFile(join(repo.root, '.git', 'index')),
    head: await repo.git.revParse(repo.root, 'refs/heads/main'),
    status: (await repo.git.ok(['status', '--porcelain=v1'], { cwd: repo.root })).toString(),
  };
}

describe('squashMerge', () => {
  it('builds one commit on the target tip without moving the branch or touching the checkout', async () => {
    repo = await makeTempRepo({ files: { 'README.md': '# plan\n', 'src/a.ts': 'a\n' } });
    await branchWith('feat/a', { 'src/a.ts': 'a2\n', 'src/new.ts': 'new\n' });
    const before = await fileSnapshot();
    const r = await repo.git.squashMerge(repo.root, {
      target: 'main',
      source: 'feat/a',
      message: 'feat(core): implement E01 - A',
      extraFiles: [{ path: 'README.md', content: '# plan\n\n- E01 🟢\n' }],
      trailers: { 'Orch-Run': 'run-1' },
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.empty).toBe(false);
    expect(r.parent).toBe(repo.head);
    expect(await fileSnapshot()).toEqual(before);
    expect(await repo.git.readFileAt(repo.root, r.commit, 'src/a.ts')).toBe('a2\n');
    expect(await repo.git.readFileAt(repo.root, r.commit, 'src/new.ts')).toBe('new\n');
    expect(await repo.git.readFileAt(repo.root, r.commit, 'README.md')).toBe('# plan\n\n- E01 🟢\n');
    expect((await repo.git.ok(['rev-list', '--parents', '-n1', r.commit], { cwd: repo.root })).trim()).toBe(`${r.commit} ${repo.head}`);
    const body = await repo.git.ok(['log', '-1', '--format=%B%an <%ae>', r.commit], { cwd: repo.root });
    expect(body).toBe('feat(core): implement E01 - A\n\nOrch-Run: run-1\nOrch Test <test@orch.invalid>\n');
    expect(await repo.git.readFileAt(repo.root, 'main', 'README.md')).toBe('# plan\n');
  });

  it('merges two branches touching different files one after another', async () => {
    repo = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    await branchWith('feat/a', { 'a.txt': 'A\n' });
    await branchWith('feat/b', { 'b.txt': 'B\n' });
    const first = await repo.git.squashMerge(repo.root, { target: 'main', source: 'feat/a', message: 'a' });
    if (!first.ok) throw new Error(first.message);
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from: repo.head, to: first.commit })).toMatchObject({ ok: true });
    const second = await repo.git.squashMerge(repo.root, { target: 'main', source: 'feat/b', message: 'b' });
    if (!second.ok) throw new Error(second.message);
    expect(second.parent).toBe(first.commit);
    expect(await repo.git.advanceBranch(repo.root, { branch: 'main', from: first.commit, to: second.commit })).toMatchObject({ ok: true });
    expect(await repo.git.readFileAt(repo.root, 'main', 'a.txt')).toBe('A\n');
    expect(await repo.git.readFileAt(repo.root, 'main', 'b.txt')).toBe('B\n');
    expect(await readFile(join(repo.root, 'b.txt'), 'utf8')).toBe('B\n');
    // Squashing an already merged branch again is recognised as empty.
    expect(await repo.git.squashMerge(repo.root, { target: 'main', source: 'feat/a', message: 'a' })).toMatchObject({
      ok: true,
      empty: true,
      commit: second.commit,
    });
  });

  it('reports conflicting paths and changes nothing', async () => {
    repo = await makeTempRepo({ files: { 'shared.txt': 'one\ntwo\nthree\n', 'other.txt': 'x\n' } });
    await branchWith('feat/a', { 'shared.txt': 'one\nTWO (a)\nthree\n' });
    await repo.commit('user edit', { 'shared.txt': 'one\nTWO (main)\nthree\n' });
    const before = await fileSnapshot();
    const r = await repo.git.squashMerge(repo.root, { target: 'main', source: 'feat/a', message: 'a' });
    expect(r).toMatchObject({ ok: false, conflicts: ['shared.txt'] });
    if (!r.ok) expect(r.message).toContain('CONFLICT (content): Merge conflict in shared.txt');
    expect(await fileSnapshot()).toEqual(before);
    expect(await repo.git.isClean(repo.root)).toBe(true);
  });

  it('merges a commit sha with no user.name configured and signing required, using the Orch identity', async () => {
    repo = await makeTempRepo({ userConfig: false });
    await repo.git.ok(['config', 'commit.gpgsign', 'true'], { cwd: repo.root });
    const git = createGit({ env: { ...process.env, HOME: join(repo.dir, 'home') } });
    const wt = await git.ensureWorktree(repo.root, { path: join(repo.dir, 'wt', 'x'), branch: 'feat/x', base: 'main' });
    await repo.write({ 'x.txt': 'x\n' }, wt.path);
    const c = await git.commitAll(wt.path, 'feat: x');
    const r = await git.squashMerge(repo.root, { target: 'main', source: c.sha, message: 'feat: x' });
    if (!r.ok) throw new Error(r.message);
    expect(await git.ok(['log', '-1', '--format=%an <%ae>|%cn <%ce>', r.commit], { cwd: repo.root })).toBe(
      'Orch <orch@localhost>|Orch <orch@localhost>\n',
    );
    expect(await git.ok(['log', '-1', '--format=%an <%ae>', c.sha], { cwd: repo.root })).toBe('Orch <orch@localhost>\n');
  });
});

describe('commitFilesOnto', () => {
  it('commits files on the target tip off-index and reports an unchanged tree as empty', async () => {
    repo = await makeTempRepo({ files: { 'docs/plans/README.md': '🔴 E01\n', 'run.sh': '#!/bin/sh\n' } });
    await chmod(join(repo.root, 'run.sh'), 0o755);
    const head = await repo.commit('chmod');
    const before = await fileSnapshot();
    const r = await repo.git.commitFilesOnto(repo.root, {
      target: 'main',
      files: [
        { path: 'docs/plans/README.md', content: '🟡 E01\n' },
        { path: 'run.sh', content: '#!/bin/sh\necho hi\n' },
      ],
      message: 'docs(plans): E01 in progress',
    });
    expect(r).toMatchObject({ parent: head, empty: false });
    expect(await fileSnapshot()).toEqual(before);
    expect(await repo.git.readFileAt(repo.root, r.commit, 'docs/plans/README.md')).toBe('🟡 E01\n');
    expect(await repo.git.ok(['ls-tree', r.commit, 'run.sh'], { cwd: repo.root })).toMatch(/^100755 /);
    const again = await repo.git.commitFilesOnto(repo.root, { target: 'main', files: [{ path: 'docs/plans/README.md', content: '🔴 E01\n' }], message: 'x' });
    expect(again).toEqual({ commit: head, tree: expect.any(String), parent: head, empty: true });
    await expect(
      repo.git.commitFilesOnto(repo.root, { target: 'main', files: [{ path: '../escape', content: '' }], message: 'x' }),
    ).rejects.toThrow(/invalid repository path/);
  });
});

describe('commitAll and containsCommitWithTrailer', () => {
  it('commits once, then reports nothing to commit; the trailer finds the commit', async () => {
    repo = await makeTempRepo({ files: { '.gitignore': 'node_modules/\n', 'a.txt': 'a\n' } });
    await repo.write({ 'a.txt': 'changed\n', 'new/b.txt': 'b\n', 'node_modules/x.js': 'ignored\n' });
    const first = await repo.git.commitAll(repo.root, 'feat(x): work', { trailers: { 'Orch-Run': 'run-42' } });
    expect(first.committed).toBe(true);
    const second = await repo.git.commitAll(repo.root, 'feat(x): work', { trailers: { 'Orch-Run': 'run-42' } });
    expect(second).toEqual({ committed: false, sha: first.sha });
    expect(await repo.git.ok(['ls-files'], { cwd: repo.root })).toBe('.gitignore\na.txt\nnew/b.txt\n');
    await repo.commit('later work', { 'c.txt': 'c\n' });
    expect(await repo.git.containsCommitWithTrailer(repo.root, 'main', 'Orch-Run', 'run-42')).toBe(first.sha);
    expect(await repo.git.containsCommitWithTrailer(repo.root, 'main', 'Orch-Run', 'run-4')).toBeUndefined();
    expect(await repo.git.containsCommitWithTrailer(repo.root, 'main', 'Orch-Run', 'run-42', { limit: 1 })).toBeUndefined();
    expect(await repo.git.containsCommitWithTrailer(repo.root, 'no-such-branch', 'Orch-Run', 'run-42')).toBeUndefined();
  });
});
