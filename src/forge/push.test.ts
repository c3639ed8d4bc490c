import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { makeTempRepo, type TempRepo } from '../git/testing.js';
import { pushBranch } from './push.js';

let repo: TempRepo;
let bare: string;
beforeEach(async () => {
  repo = await makeTempRepo();
  bare = join(repo.dir, 'origin.git');
  await repo.git.ok(['init', '--quiet', '--bare', bare], { cwd: repo.dir });
  await repo.git.ok(['remote', 'add', 'origin', bare], { cwd: repo.root });
});
afterEach(() => repo.cleanup());

const remoteTip = async (branch: string) => (await repo.git.run(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: bare })).stdout.trim();

test('pushes a branch, then again is a no-op success', async () => {
  await repo.git.ok(['checkout', '--quiet', '-b', 'orch/t1'], { cwd: repo.root });
  const sha = await repo.commit('work', { 'a.txt': 'a\n' });
  expect(await pushBranch(repo.git, repo.root, { branch: 'orch/t1' })).toEqual({ ok: true, sha, updated: true });
  expect(await remoteTip('orch/t1')).toBe(sha);
  expect(await pushBranch(repo.git, repo.root, { branch: 'orch/t1' })).toEqual({ ok: true, sha, updated: false });
});

test('a rewritten branch is rejected without force and pushed with a lease', async () => {
  await repo.git.ok(['checkout', '--quiet', '-b', 'orch/t2'], { cwd: repo.root });
  await repo.commit('one', { 'a.txt': '1\n' });
  await pushBranch(repo.git, repo.root, { branch: 'orch/t2' });
  await repo.git.ok(['commit', '--quiet', '--amend', '-m', 'one, rebased'], { cwd: repo.root });
  const amended = (await repo.git.ok(['rev-parse', 'HEAD'], { cwd: repo.root })).trim();
  expect(await pushBranch(repo.git, repo.root, { branch: 'orch/t2' })).toMatchObject({ ok: false, reason: 'rejected' });
  expect(await pushBranch(repo.git, repo.root, { branch: 'orch/t2', force: 'with-lease' })).toEqual({ ok: true, sha: amended, updated: true });
  expect(await remoteTip('orch/t2')).toBe(amended);
});

test('the lease refuses when origin moved to something we did not expect', async () => {
  await repo.git.ok(['checkout', '--quiet', '-b', 'orch/t3'], { cwd: repo.root });
  const first = await repo.commit('one', { 'a.txt': '1\n' });
  await pushBranch(repo.git, repo.root, { branch: 'orch/t3' });
  await repo.git.ok(['commit', '--quiet', '--amend', '-m', 'amended'], { cwd: repo.root });
  const result = await pushBranch(repo.git, repo.root, { branch: 'orch/t3', force: 'with-lease', expect: '1'.repeat(40) });
  expect(result).toMatchObject({ ok: false, reason: 'stale-lease' });
  expect(await remoteTip('orch/t3')).toBe(first);
});

test('a missing local branch is a value, and the argv carries no URL or credentials', async () => {
  expect(await pushBranch(repo.git, repo.root, { branch: 'nope' })).toMatchObject({ ok: false, reason: 'no-branch' });
  const seen: string[][] = [];
  const spy = { ...repo.git, run: (args: readonly string[], o: Parameters<typeof repo.git.run>[1]) => (seen.push([...args]), repo.git.run(args, o)) };
  await repo.git.ok(['checkout', '--quiet', '-b', 'orch/t4'], { cwd: repo.root });
  await repo.commit('w', { 'b.txt': 'b\n' });
  await pushBranch(spy, repo.root, { branch: 'orch/t4' });
  expect(seen.at(-1)).toEqual(['push', '--porcelain', '--', 'origin', 'refs/heads/orch/t4:refs/heads/orch/t4']);
});
