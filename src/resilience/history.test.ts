import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../git/testing.js';
import { startRebase } from '../git/index.js';
import { checkWorktreeHistory, snapshotRemoteRefs } from './history.js';

let repo: TempRepo;
afterEach(async () => {
  await repo.cleanup();
});

/** A repository with an `origin` (bare, beside it) and a run worktree on `feat/a-E01` made from main. */
const setup = async () => {
  repo = await makeTempRepo();
  const origin = join(repo.dir, 'origin.git');
  const worktree = join(repo.dir, 'wt');
  await repo.git.ok(['init', '--quiet', '--bare', origin], { cwd: repo.dir });
  await repo.git.ok(['remote', 'add', 'origin', origin], { cwd: repo.root });
  await repo.git.ok(['push', '--quiet', 'origin', 'main'], { cwd: repo.root });
  await repo.git.ok(['worktree', 'add', '--quiet', '-b', 'feat/a-E01', worktree, repo.head], { cwd: repo.root });
  const opts = { root: repo.root, worktree, baseSha: repo.head, branch: 'feat/a-E01' };
  return { worktree, opts, remoteRefs: await snapshotRemoteRefs(repo.git, repo.root) };
};

describe('checkWorktreeHistory', () => {
  it('passes a run that only committed on its branch', async () => {
    const { worktree, opts, remoteRefs } = await setup();
    expect([...remoteRefs.keys()]).toEqual(['refs/remotes/origin/main']);
    await repo.commit('feat: one', { 'a.txt': 'a\n' }, worktree);
    await repo.commit('feat: two', { 'b.txt': 'b\n' }, worktree);
    expect(await checkWorktreeHistory(repo.git, { ...opts, remoteRefs })).toEqual([]);
    expect(await checkWorktreeHistory(repo.git, { ...opts, branch: 'refs/heads/feat/a-E01', remoteRefs })).toEqual([]);
  });

  it("accepts Orch's own rebase in progress (HEAD detached on the new base) and judges the rebased HEAD", async () => {
    const { worktree, opts } = await setup();
    await repo.commit('feat: mine', { 's.txt': 'mine\n' }, worktree);
    const main = await repo.commit('theirs', { 's.txt': 'theirs\n' });
    expect((await startRebase(repo.git, worktree, main)).ok).toBe(false);
    expect(await checkWorktreeHistory(repo.git, { ...opts, baseSha: main })).toEqual([]);
    // Off the base it was rebased onto: still caught.
    const other = await repo.commit('unrelated', { 'u.txt': 'u\n' });
    expect((await checkWorktreeHistory(repo.git, { ...opts, baseSha: other })).map((v) => v.rule)).toEqual(['rewrite-history']);
  });

  it('flags a push from the worktree: a new remote-tracking ref', async () => {
    const { worktree, opts, remoteRefs } = await setup();
    const sha = await repo.commit('feat: one', { 'a.txt': 'a\n' }, worktree);
    await repo.git.ok(['push', '--quiet', 'origin', 'HEAD'], { cwd: worktree });
    expect(await checkWorktreeHistory(repo.git, { ...opts, remoteRefs })).toEqual([
      { rule: 'push', detail: `new remote ref refs/remotes/origin/feat/a-E01 at ${sha}` },
    ]);
    // Without a snapshot pushes go unchecked.
    expect(await checkWorktreeHistory(repo.git, opts)).toEqual([]);
  });

  it('flags a moved remote-tracking ref', async () => {
    const { worktree, opts, remoteRefs } = await setup();
    const sha = await repo.commit('feat: one', { 'a.txt': 'a\n' }, worktree);
    await repo.git.ok(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: worktree });
    const v = await checkWorktreeHistory(repo.git, { ...opts, remoteRefs });
    expect(v).toEqual([{ rule: 'push', detail: `remote ref refs/remotes/origin/main moved from ${repo.head} to ${sha}` }]);
  });

  it('ignores remote refs moved by others while the run worked (other runs pushing, Orch fetching the target)', async () => {
    const { worktree, opts, remoteRefs } = await setup();
    await repo.commit('feat: mine', { 'a.txt': 'a\n' }, worktree);
    const other = await repo.commit('feat: another run', { 'o.txt': 'o\n' });
    await repo.git.ok(['push', '--quiet', 'origin', 'main', 'main:feat/b-E02'], { cwd: repo.root });
    expect((await snapshotRemoteRefs(repo.git, repo.root)).get('refs/remotes/origin/main')).toBe(other);
    expect(await checkWorktreeHistory(repo.git, { ...opts, remoteRefs })).toEqual([]);
  });

  // Inside the sandbox the shared .git is read-only: the agent's `git commit` writes the commit object but cannot move
  // its branch, and a push that gets through (a script it wrote, its own transport) moves no remote-tracking ref.
  // Only the remote can tell.
  it("flags a push seen only on the remote itself: a commit made in the worktree that no local ref holds", async () => {
    const { worktree, opts } = await setup();
    const asked: string[] = [];
    const remotes = async (remote: string) => (asked.push(remote), false as const);
    const remoteRefs = await snapshotRemoteRefs(repo.git, repo.root, { remotes });
    expect(remoteRefs.get('origin\trefs/heads/main')).toBe(repo.head);
    const tree = (await repo.git.ok(['rev-parse', 'HEAD^{tree}'], { cwd: worktree })).trim();
    const loose = (await repo.git.ok(['commit-tree', tree, '-p', repo.head, '-m', 'exfiltrate'], { cwd: worktree })).trim();
    const originUrl = join(repo.dir, 'origin.git');
    await repo.git.ok(['push', '--quiet', originUrl, `${loose}:refs/heads/pwn`], { cwd: worktree });
    expect(await snapshotRemoteRefs(repo.git, repo.root)).toEqual(await snapshotRemoteRefs(repo.git, repo.root));
    expect(await checkWorktreeHistory(repo.git, { ...opts, remoteRefs, remoteCredentials: remotes })).toEqual([
      { rule: 'push', detail: `new refs/heads/pwn on remote origin at ${loose}` },
    ]);
    expect(asked).toEqual(['origin', 'origin']);
    // Without asking the remote (the snapshot before this change), nothing is seen.
    expect(await checkWorktreeHistory(repo.git, { ...opts, remoteRefs: await snapshotRemoteRefs(repo.git, repo.root) })).toEqual([]);
  });

  it('does not blame the run for what others pushed to the remote, nor compare a remote that did not answer', async () => {
    const { opts } = await setup();
    const remoteRefs = await snapshotRemoteRefs(repo.git, repo.root, { remotes: async () => false });
    // Someone else pushes a commit this repository has never seen.
    const other = join(repo.dir, 'other');
    await repo.git.ok(['clone', '--quiet', '--branch', 'main', join(repo.dir, 'origin.git'), other], { cwd: repo.dir });
    await repo.git.ok(['-c', 'user.email=o@o', '-c', 'user.name=o', 'commit', '--quiet', '--allow-empty', '-m', 'theirs'], { cwd: other });
    await repo.git.ok(['push', '--quiet', 'origin', 'HEAD:main', 'HEAD:refs/heads/theirs'], { cwd: other });
    expect(await checkWorktreeHistory(repo.git, { ...opts, remoteRefs, remoteCredentials: async () => false })).toEqual([]);
    // A remote that did not answer before the turn is not compared after it.
    await repo.git.ok(['remote', 'add', 'late', join(repo.dir, 'late.git')], { cwd: repo.root });
    const before = await snapshotRemoteRefs(repo.git, repo.root, { remotes: async () => false });
    expect(before.has('late\t')).toBe(false);
    await repo.git.ok(['init', '--quiet', '--bare', join(repo.dir, 'late.git')], { cwd: repo.dir });
    await repo.git.ok(['push', '--quiet', 'late', 'main'], { cwd: repo.root });
    expect(await checkWorktreeHistory(repo.git, { ...opts, remoteRefs: before, remoteCredentials: async () => false })).toEqual([]);
  });

  it('flags a branch that no longer descends from its base', async () => {
    const { worktree, opts } = await setup();
    const base = await repo.commit('feat: base of the run', { 'base.txt': 'x\n' }, worktree);
    await repo.commit('feat: work', { 'a.txt': 'a\n' }, worktree);
    await repo.git.ok(['reset', '--quiet', '--hard', repo.head], { cwd: worktree });
    await repo.commit('feat: redone', { 'c.txt': 'c\n' }, worktree);
    const v = await checkWorktreeHistory(repo.git, { ...opts, baseSha: base });
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ rule: 'rewrite-history', detail: expect.stringContaining(`no longer descends from its base ${base}`) });
  });

  it('flags HEAD off the branch: another branch, detached, and the branch deleted', async () => {
    const { worktree, opts } = await setup();
    await repo.git.ok(['switch', '--quiet', '-c', 'other'], { cwd: worktree });
    expect(await checkWorktreeHistory(repo.git, opts)).toEqual([
      { rule: 'wrong-branch', detail: `HEAD of ${worktree} is refs/heads/other, expected refs/heads/feat/a-E01` },
    ]);
    await repo.git.ok(['switch', '--quiet', '--detach', repo.head], { cwd: worktree });
    await repo.git.ok(['branch', '-D', 'feat/a-E01'], { cwd: worktree });
    const v = await checkWorktreeHistory(repo.git, opts);
    expect(v.map((x) => x.rule)).toEqual(['branch-missing', 'wrong-branch']);
    expect(v[1]?.detail).toContain(`detached at ${repo.head}`);
  });
});
