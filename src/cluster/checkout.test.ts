import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyBundle, createCheckouts } from './checkout.js';
import { outRef } from './names.js';

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, env, encoding: 'utf8' }).trim();

describe('moving an agent turn to a worker and back over git', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const repo = (): { base: string; root: string; start: string; run: string } => {
    const base = mkdtempSync(join(tmpdir(), 'orch-checkout-'));
    dirs.push(base);
    const root = join(base, 'root');
    execFileSync('git', ['init', '-q', '-b', 'main', root], { env });
    writeFileSync(join(root, 'a.txt'), 'a\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'start');
    const run = join(base, 'run');
    git(root, 'worktree', 'add', '-q', '-b', 'feat/x', run);
    return { base, root, start: git(root, 'rev-parse', 'HEAD'), run };
  };

  it("brings the worker's commits and its uncommitted files back onto the run's branch", async () => {
    const r = repo();
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const { cache, worktree } = await worker.prepare({ id: 'j1', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    writeFileSync(join(worktree, 'b.txt'), 'agent\n');
    git(worktree, 'add', '-A');
    git(worktree, 'commit', '-q', '-m', 'agent commit');
    writeFileSync(join(worktree, 'c.txt'), 'left uncommitted\n');
    const got = await worker.collect(cache, worktree, { id: 'j1', startSha: r.start });
    expect(got.bundle).toBeDefined();
    await applyBundle({ root: r.root, worktree: r.run, jobId: 'j1', startSha: r.start, head: got.head, bundle: got.bundle!, tmpDir: join(r.base, 'tmp'), env });
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(got.head);
    expect(readFileSync(join(r.run, 'c.txt'), 'utf8')).toBe('left uncommitted\n');
    expect(git(r.run, 'log', '--format=%s', '-3').split('\n')).toEqual(['wip: agent turn on a worker', 'agent commit', 'start']);
    // Nothing left behind: the result's ref here, the job's worktree there.
    expect(git(r.root, 'for-each-ref', outRef('j1'))).toBe('');
    await worker.cleanup(cache, 'j1');
    expect(git(cache, 'worktree', 'list', '--porcelain')).not.toContain(worktree);
    // No ref made for the job in the cache: its objects are kept while its worktree is there, by the worktree's HEAD.
    expect(git(cache, 'for-each-ref')).toBe('');
    expect(existsSync(worktree)).toBe(false);
  });

  it("applies a bundle while another run's worktree is half made (its HEAD still zeros): the fetch tries again", async () => {
    const r = repo();
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const { cache, worktree } = await worker.prepare({ id: 'j6', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    writeFileSync(join(worktree, 'b.txt'), 'agent\n');
    const got = await worker.collect(cache, worktree, { id: 'j6', startSha: r.start });
    // Another run's `worktree add` caught between writing its HEAD as zeros and setting it.
    git(r.root, 'worktree', 'add', '-q', '--detach', join(r.base, 'other'));
    const otherHead = join(r.root, '.git', 'worktrees', 'other', 'HEAD');
    const real = readFileSync(otherHead, 'utf8');
    writeFileSync(otherHead, `${'0'.repeat(40)}\n`);
    setTimeout(() => writeFileSync(otherHead, real), 120);
    await applyBundle({ root: r.root, worktree: r.run, jobId: 'j6', startSha: r.start, head: got.head, bundle: got.bundle!, tmpDir: join(r.base, 'tmp'), env });
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(got.head);
  });

  it('prepares many jobs of one repository at once: fetches never see a worktree being made', async () => {
    const r = repo();
    // A commit per job, each on a branch of its own: every job fetches.
    const jobs = Array.from({ length: 8 }, (_, i) => {
      git(r.root, 'commit', '-q', '--allow-empty', '-m', `job ${i}`);
      git(r.root, 'branch', `job-${i}`);
      return { id: `p${i}`, repoUrl: r.root, fetchRef: `refs/heads/job-${i}`, startSha: git(r.root, 'rev-parse', 'HEAD') };
    });
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const got = await Promise.all(jobs.map((j) => worker.prepare(j)));
    for (const [i, g] of got.entries()) expect(git(g.worktree, 'rev-parse', 'HEAD')).toBe(jobs[i]?.startSha);
    await Promise.all(got.map((g, i) => worker.cleanup(g.cache, `p${i}`)));
  });

  it('refuses a bundle that does not hold the head the worker named; nothing moves', async () => {
    const r = repo();
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const { cache, worktree } = await worker.prepare({ id: 'j5', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    writeFileSync(join(worktree, 'b.txt'), 'agent\n');
    const got = await worker.collect(cache, worktree, { id: 'j5', startSha: r.start });
    const claimed = 'f'.repeat(40);
    await expect(applyBundle({ root: r.root, worktree: r.run, jobId: 'j5', startSha: r.start, head: claimed, bundle: got.bundle!, tmpDir: join(r.base, 'tmp'), env })).rejects.toThrow(`the worker said its work ends at ${claimed} but its bundle does not hold that commit`);
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(r.start);
  });

  it('reports no work when the agent changed nothing, and its own commits as they are', async () => {
    const r = repo();
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const { cache, worktree } = await worker.prepare({ id: 'j2', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    expect(await worker.collect(cache, worktree, { id: 'j2', startSha: r.start })).toEqual({ head: r.start });
    // Everything committed by the agent itself: its own commit is the head, with nothing added on top.
    writeFileSync(join(worktree, 'd.txt'), 'committed\n');
    git(worktree, 'add', '-A');
    git(worktree, 'commit', '-q', '-m', 'agent did it all');
    const got = await worker.collect(cache, worktree, { id: 'j2', startSha: r.start });
    expect(got.head).toBe(git(worktree, 'rev-parse', 'HEAD'));
    expect(git(worktree, 'log', '--format=%s', '-1')).toBe('agent did it all');
    expect(got.bundle?.length).toBeGreaterThan(0);
  });

  it('refuses a result that does not descend from the start commit, and one whose bundle lacks its base', async () => {
    const r = repo();
    // Another history entirely: an orphan commit.
    const other = join(r.base, 'other');
    execFileSync('git', ['init', '-q', '-b', 'main', other], { env });
    writeFileSync(join(other, 'x.txt'), 'x\n');
    git(other, 'add', '-A');
    git(other, 'commit', '-q', '-m', 'unrelated');
    const head = git(other, 'rev-parse', 'HEAD');
    git(other, 'bundle', 'create', '-q', join(r.base, 'j3.bundle'), 'HEAD');
    // A thin bundle whose prerequisite commit (the unrelated one) is not here: fetching it fails, nothing moves.
    writeFileSync(join(other, 'y.txt'), 'y\n');
    git(other, 'add', '-A');
    git(other, 'commit', '-q', '-m', 'on top');
    const top = git(other, 'rev-parse', 'HEAD');
    git(other, 'bundle', 'create', '-q', join(r.base, 'j4.bundle'), 'HEAD', `^${head}`);
    const thin = readFileSync(join(r.base, 'j4.bundle'));
    await expect(applyBundle({ root: r.root, worktree: r.run, jobId: 'j4', startSha: r.start, head: top, bundle: thin, tmpDir: join(r.base, 'tmp'), env })).rejects.toThrow(/fetching the worker bundle failed/);
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(r.start);

    const bundle = readFileSync(join(r.base, 'j3.bundle'));
    await expect(applyBundle({ root: r.root, worktree: r.run, jobId: 'j3', startSha: r.start, head, bundle, tmpDir: join(r.base, 'tmp'), env })).rejects.toThrow(/does not descend from/);
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(r.start);
    expect(git(r.root, 'for-each-ref', outRef('j3'))).toBe('');
  });
});
