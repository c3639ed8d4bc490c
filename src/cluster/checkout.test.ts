import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCheckouts } from './checkout.js';
import { applyPack, packObjectCount } from './apply.js';

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
    expect(packObjectCount(got.pack!)).toBeGreaterThan(0);
    await applyPack({ root: r.root, worktree: r.run, startSha: r.start, head: got.head, pack: got.pack!, env });
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(got.head);
    expect(readFileSync(join(r.run, 'c.txt'), 'utf8')).toBe('left uncommitted\n');
    expect(git(r.run, 'log', '--format=%s', '-3').split('\n')).toEqual(['wip: agent turn on a worker', 'agent commit', 'start']);
    // Nothing left behind: no ref here, no ref and no pack file there (the job worktree's HEAD keeps its objects).
    expect(git(r.root, 'for-each-ref', 'refs/orch')).toBe('');
    expect(git(cache, 'for-each-ref', '--format=%(refname)')).toBe('refs/orch/fetched');
    expect(readdirSync(join(r.base, 'worker', 'out'))).toEqual([]);
  });

  it("keeps a job's worktree for the next job: checked out at its start, nothing of the last job left", async () => {
    const r = repo();
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const first = await worker.prepare({ id: 'k1', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    writeFileSync(join(first.worktree, 'b.txt'), 'agent\n');
    mkdirSync(join(first.worktree, 'build'));
    writeFileSync(join(first.worktree, 'build', 'out.o'), 'ignored output\n');
    writeFileSync(join(first.worktree, '.gitignore'), 'build/\n');
    const got = await worker.collect(first.cache, first.worktree, { id: 'k1', startSha: r.start });
    await worker.cleanup(first.cache, first.worktree);
    // The target moved on meanwhile: the next job starts there, in the same worktree, after a fetch.
    writeFileSync(join(r.root, 'a.txt'), 'a2\n');
    git(r.root, 'commit', '-q', '-am', 'moved');
    const next = git(r.root, 'rev-parse', 'HEAD');
    const second = await worker.prepare({ id: 'k2', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: next });
    expect(second.worktree).toBe(first.worktree);
    expect(second.fetched).toBe(true);
    expect(git(second.worktree, 'rev-parse', 'HEAD')).toBe(next);
    expect(git(second.worktree, 'status', '--porcelain', '--ignored')).toBe('');
    expect(existsSync(join(second.worktree, 'build'))).toBe(false);
    expect(readFileSync(join(second.worktree, 'a.txt'), 'utf8')).toBe('a2\n');
    // A job running meanwhile gets a worktree of its own; both come back to the pool.
    const third = await worker.prepare({ id: 'k3', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: got.head });
    expect(third.worktree).not.toBe(second.worktree);
    expect(third.fetched).toBe(false);
    await worker.cleanup(second.cache, second.worktree);
    await worker.cleanup(third.cache, third.worktree);
    // A new worker process (the last one killed mid-job) takes the worktrees it finds, cleaned of what was left.
    writeFileSync(join(third.worktree, 'half.txt'), 'a killed job left this\n');
    const again = createCheckouts({ dir: join(r.base, 'worker'), env });
    const a = await again.prepare({ id: 'k4', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    const b = await again.prepare({ id: 'k5', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    expect([a.worktree, b.worktree].sort()).toEqual([second.worktree, third.worktree].sort());
    for (const w of [a, b]) expect(git(w.worktree, 'status', '--porcelain', '--ignored')).toBe('');
    // A worktree whose .git an agent pointed elsewhere is made again, not used.
    writeFileSync(join(a.worktree, '.git'), `gitdir: ${join(r.root, '.git')}\n`);
    await again.cleanup(a.cache, a.worktree);
    const c = await again.prepare({ id: 'k6', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: next });
    expect(git(c.worktree, 'rev-parse', 'HEAD')).toBe(next);
    expect(readFileSync(join(c.worktree, '.git'), 'utf8')).toContain(join(c.cache, 'worktrees'));
    expect(git(r.root, 'rev-parse', 'HEAD')).toBe(next);
  });

  it('fetches only what is new (the cache keeps the last commit fetched as a ref); a fetch that cannot work says what to do', async () => {
    const r = repo();
    // A history of more than 100 objects: a fetch of all of it is kept as a pack, not unpacked.
    for (let i = 0; i < 40; i++) {
      writeFileSync(join(r.root, `h${i}.txt`), `history ${i}\n`);
      git(r.root, 'add', '-A');
      git(r.root, 'commit', '-q', '-m', `history ${i}`);
    }
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const first = await worker.prepare({ id: 'f1', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: git(r.root, 'rev-parse', 'HEAD') });
    const count = (): number => {
      const c = Object.fromEntries(git(first.cache, 'count-objects', '-v').split('\n').map((l) => l.split(': '))) as Record<string, string>;
      return Number(c.count) + Number(c['in-pack']);
    };
    const before = count();
    writeFileSync(join(r.root, 'new.txt'), 'new\n');
    git(r.root, 'add', '-A');
    git(r.root, 'commit', '-q', '-m', 'new');
    const second = await worker.prepare({ id: 'f2', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: git(r.root, 'rev-parse', 'HEAD') });
    expect(second.fetched).toBe(true);
    // A commit, a tree and a blob: not the 120 objects of the history again.
    expect(count() - before).toBeLessThanOrEqual(3);
    await worker.cleanup(first.cache, first.worktree);
    await worker.cleanup(second.cache, second.worktree);

    // The run branch is not where the worker fetches (a forge remote has no run branches).
    await expect(worker.prepare({ id: 'f3', repoUrl: r.root, fetchRef: 'refs/heads/feat/not-pushed', startSha: 'a'.repeat(40) })).rejects.toThrow(
      /cannot check out the run's code: .* has no refs\/heads\/feat\/not-pushed .*set \[cluster\] repo_url/,
    );
    // The branch is there but at another commit than the run starts from.
    await expect(worker.prepare({ id: 'f4', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: 'b'.repeat(40) })).rejects.toThrow(/refs\/heads\/main at .* is not at bbbbbbbbbb, the commit the run starts from/);
    // A URL this machine cannot fetch.
    await expect(worker.prepare({ id: 'f5', repoUrl: join(r.base, 'nowhere'), fetchRef: 'refs/heads/main', startSha: 'c'.repeat(40) })).rejects.toThrow(/cannot be fetched from this machine .*check the URL/);
  });

  it('leaves no repository an agent nested and committed in a kept worktree for the next job', async () => {
    const r = repo();
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const first = await worker.prepare({ id: 'n1', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    const nested = join(first.worktree, 'vendor', 'lib');
    execFileSync('git', ['init', '-q', nested], { env });
    writeFileSync(join(nested, 'l.txt'), 'l\n');
    git(nested, 'add', '-A');
    git(nested, 'commit', '-q', '-m', 'nested');
    const got = await worker.collect(first.cache, first.worktree, { id: 'n1', startSha: r.start });
    expect(got.head).not.toBe(r.start);
    await worker.cleanup(first.cache, first.worktree);
    const second = await worker.prepare({ id: 'n2', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    expect(second.worktree).toBe(first.worktree);
    expect(existsSync(join(second.worktree, 'vendor'))).toBe(false);
    expect(git(second.worktree, 'status', '--porcelain', '--ignored')).toBe('');
  });

  it("applies a pack while another run's worktree is half made (its HEAD still zeros): no ref of it is read", async () => {
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
    await applyPack({ root: r.root, worktree: r.run, startSha: r.start, head: got.head, pack: got.pack!, env });
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(got.head);
    writeFileSync(otherHead, real);
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
    expect(new Set(got.map((g) => g.worktree)).size).toBe(8);
    await Promise.all(got.map((g) => worker.cleanup(g.cache, g.worktree)));
  });

  it('refuses a pack that does not hold the head the worker named; nothing moves', async () => {
    const r = repo();
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const { cache, worktree } = await worker.prepare({ id: 'j5', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    writeFileSync(join(worktree, 'b.txt'), 'agent\n');
    const got = await worker.collect(cache, worktree, { id: 'j5', startSha: r.start });
    const claimed = 'f'.repeat(40);
    await expect(applyPack({ root: r.root, worktree: r.run, startSha: r.start, head: claimed, pack: got.pack!, env })).rejects.toThrow(`the worker said its work ends at ${claimed} but its pack does not hold that commit`);
    await expect(applyPack({ root: r.root, worktree: r.run, startSha: r.start, head: got.head, pack: Buffer.from('# v2 git bundle\n'), env })).rejects.toThrow(/is not a git pack .*run the same Orch version/);
    const cut = got.pack!.subarray(0, got.pack!.length - 30);
    await expect(applyPack({ root: r.root, worktree: r.run, startSha: r.start, head: got.head, pack: cut, env })).rejects.toThrow(/its pack is damaged/);
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
    expect(got.pack?.length).toBeGreaterThan(0);
  });

  it('refuses a result that does not descend from the start commit, and one whose pack lacks its base', async () => {
    const r = repo();
    // Another history entirely: an orphan commit.
    const other = join(r.base, 'other');
    execFileSync('git', ['init', '-q', '-b', 'main', other], { env });
    writeFileSync(join(other, 'x.txt'), 'x\n');
    git(other, 'add', '-A');
    git(other, 'commit', '-q', '-m', 'unrelated');
    const head = git(other, 'rev-parse', 'HEAD');
    const pack = (revs: string): Buffer => execFileSync('git', ['pack-objects', '--revs', '--stdout', '-q'], { cwd: other, env, input: revs });
    const whole = pack(`${head}\n`);
    // A pack whose base commit (the unrelated one) is not here: storing it fails, nothing moves.
    writeFileSync(join(other, 'y.txt'), 'y\n');
    git(other, 'add', '-A');
    git(other, 'commit', '-q', '-m', 'on top');
    const top = git(other, 'rev-parse', 'HEAD');
    await expect(applyPack({ root: r.root, worktree: r.run, startSha: r.start, head: top, pack: pack(`${top}\n^${head}\n`), env })).rejects.toThrow(/links to objects this repository does not have.*run the turn again/);
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(r.start);

    await expect(applyPack({ root: r.root, worktree: r.run, startSha: r.start, head, pack: whole, env })).rejects.toThrow(/does not descend from/);
    expect(git(r.run, 'rev-parse', 'HEAD')).toBe(r.start);
    expect(git(r.root, 'for-each-ref', 'refs/orch')).toBe('');
  });

  it('keeps a large result as a pack rather than loose objects', async () => {
    const r = repo();
    const worker = createCheckouts({ dir: join(r.base, 'worker'), env });
    const { cache, worktree } = await worker.prepare({ id: 'j7', repoUrl: r.root, fetchRef: 'refs/heads/main', startSha: r.start });
    for (let i = 0; i < 150; i++) writeFileSync(join(worktree, `f${i}.txt`), `file ${i}\n`);
    const got = await worker.collect(cache, worktree, { id: 'j7', startSha: r.start });
    expect(packObjectCount(got.pack!)).toBeGreaterThanOrEqual(150);
    await applyPack({ root: r.root, worktree: r.run, startSha: r.start, head: got.head, pack: got.pack!, env });
    expect(readFileSync(join(r.run, 'f149.txt'), 'utf8')).toBe('file 149\n');
    expect(readdirSync(join(r.root, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.pack'))).toHaveLength(1);
  });
});
