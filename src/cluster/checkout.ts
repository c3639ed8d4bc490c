import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, existsSync, renameSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createRunner, type GitResult } from '../git/index.js';

type Run = (args: string[], cwd: string, input?: Buffer) => Promise<GitResult>;

const mustOk = (r: GitResult, what: string): GitResult => {
  if (r.exitCode !== 0) throw new Error(`${what} failed with exit code ${r.exitCode}: git ${r.command.join(' ')}\n${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return r;
};

// Repository hooks never run in a worker's cache or worktrees: the code comes from a place the worker does not control.
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null'];

/**
 * The worker's side of moving code: one bare cache per repository URL (so a second job only fetches what is new),
 * a worktree per job from it, and the agent's work back as a git bundle.
 */
export function createCheckouts(o: { dir: string; env?: NodeJS.ProcessEnv }) {
  const runner = createRunner({ env: o.env ?? process.env });
  const run: Run = (args, cwd, input) => runner.run([...NO_HOOKS, ...args], { cwd, ...(input ? { input } : {}) });
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });

  // Jobs of one repository start together: the cache is made once, built aside and renamed into place, so neither a
  // second job of this worker nor another worker sharing the directory ever sees (or makes) half of one.
  const making = new Map<string, Promise<string>>();
  const makeCache = async (cache: string): Promise<string> => {
    if (existsSync(join(cache, 'HEAD'))) return cache;
    const aside = `${cache}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    mkdirSync(aside, { recursive: true });
    try {
      // No template: sample hooks are nothing a cache needs.
      mustOk(await run(['init', '-q', '--bare', '--template='], aside), 'creating the repository cache');
      try {
        renameSync(aside, cache);
      } catch (e) {
        if (!existsSync(join(cache, 'HEAD'))) throw e;
      }
    } finally {
      rmSync(aside, { recursive: true, force: true });
    }
    return cache;
  };
  const cacheFor = (url: string): Promise<string> => {
    const cache = join(o.dir, 'cache', `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.git`);
    let made = making.get(cache);
    if (!made) {
      made = makeCache(cache);
      making.set(cache, made);
      made.catch(() => making.delete(cache));
    }
    return made;
  };

  // A fetch checks the connectivity of every ref of the cache, the HEADs of its job worktrees included, and `worktree
  // add` writes a new worktree's HEAD as zeros before it sets it: a fetch next to it fails with "bad object
  // worktrees/<job>/HEAD". Fetches and worktree changes of one cache take turns (jobs of this worker only; a worker
  // has its directory to itself).
  const turns = new Map<string, Promise<unknown>>();
  const inTurn = <T>(cache: string, fn: () => Promise<T>): Promise<T> => {
    const mine = (turns.get(cache) ?? Promise.resolve()).then(fn, fn);
    const settled = mine.catch(() => undefined);
    turns.set(cache, settled);
    void settled.then(() => {
      if (turns.get(cache) === settled) turns.delete(cache);
    });
    return mine;
  };
  // The newest hint per cache not yet fetched: hints that come while one is fetched collapse into one fetch.
  const warming = new Map<string, { ref: string; sha: string }>();
  const removeWorktree = async (cache: string, worktree: string): Promise<void> => {
    // PERF: one git call when removing works (it also drops the worktree's admin files).
    if ((await run(['worktree', 'remove', '--force', worktree], cache)).exitCode === 0) return;
    rmSync(worktree, { recursive: true, force: true });
    await run(['worktree', 'prune'], cache);
  };

  return {
    /** Fetches the job's start ref into the cache and makes a detached worktree at it. */
    async prepare(job: { id: string; repoUrl: string; fetchRef: string; startSha: string }): Promise<{ cache: string; worktree: string; fetched: boolean }> {
      const cache = await cacheFor(job.repoUrl);
      const worktree = join(o.dir, 'jobs', job.id);
      let fetched = false;
      await inTurn(cache, async () => {
        const have = await run(['cat-file', '-e', `${job.startSha}^{commit}`], cache);
        fetched = have.exitCode !== 0;
        // PERF: objects only, no ref to make (and delete at cleanup): the job worktree's HEAD keeps them from pruning.
        // No automatic maintenance on the way to the agent (a process): the cleanup after the answer runs it.
        if (have.exitCode !== 0) mustOk(await run(['fetch', '-q', '--no-tags', '--no-write-fetch-head', '--no-auto-maintenance', '--', job.repoUrl, job.fetchRef], cache), `fetching ${job.fetchRef} from ${job.repoUrl}`);
        if (existsSync(worktree)) await removeWorktree(cache, worktree);
        mustOk(await run(['worktree', 'add', '-q', '--detach', worktree, job.startSha], cache), 'creating the job worktree');
      });
      return { cache, worktree, fetched };
    },

    /**
     * Fetches `ref` of a repository into its cache unless `sha` is there already, in turn with the jobs' fetches and
     * worktrees; a job that comes meanwhile waits for it and then finds its start commit. Best effort: a failure is
     * the next job's fetch to report. Resolves to whether it fetched.
     */
    async warm(hint: { repoUrl: string; ref: string; sha: string }): Promise<boolean> {
      const cache = await cacheFor(hint.repoUrl);
      const queued = warming.has(cache);
      warming.set(cache, { ref: hint.ref, sha: hint.sha });
      if (queued) return false;
      return inTurn(cache, async () => {
        const h = warming.get(cache);
        warming.delete(cache);
        if (!h || (await run(['cat-file', '-e', `${h.sha}^{commit}`], cache)).exitCode === 0) return false;
        return (await run(['fetch', '-q', '--no-tags', '--no-write-fetch-head', '--no-auto-maintenance', '--', hint.repoUrl, h.ref], cache)).exitCode === 0;
      });
    },

    /** Commits what the agent left and bundles every commit since the start; undefined when nothing changed. */
    async collect(cache: string, worktree: string, job: { id: string; startSha: string }): Promise<{ head: string; bundle?: Buffer }> {
      // PERF: one `status` says both whether anything is uncommitted and where HEAD is, when the agent committed
      // everything itself (as agents are told to).
      const st = await readStatus(run, worktree);
      if (st.dirty) {
        mustOk(await run(['add', '-A'], worktree), 'staging the agent work');
        // PERF: no `diff --cached` first (`commit` says when nothing is staged) and no automatic maintenance of the
        // cache after it (a process per job; the fetches of later jobs run it).
        const c = await run(['-c', 'user.name=Orch worker', '-c', 'user.email=orch@localhost', '-c', 'commit.gpgsign=false', '-c', 'maintenance.auto=false', 'commit', '-q', '--no-verify', '-m', 'wip: agent turn on a worker'], worktree);
        if (c.exitCode !== 0 && !/nothing (added )?to commit|no changes added/.test(c.stdout + c.stderr)) mustOk(c, 'committing the agent work');
      }
      const head = (st.dirty || !st.head ? detachedHead(worktree) : st.head) ?? mustOk(await run(['rev-parse', 'HEAD'], worktree), 'reading HEAD').stdout.trim();
      if (head === job.startSha) return { head };
      // The bundle's one ref is the worktree's HEAD (no ref to name it first, none to delete after).
      const file = join(o.dir, `${job.id}.bundle`);
      mustOk(await run(['bundle', 'create', '-q', file, 'HEAD', `^${job.startSha}`], worktree), 'bundling the agent work');
      const bundle = readFileSync(file);
      rmSync(file, { force: true });
      return { head, bundle };
    },

    /** Removes the job's worktree, then lets git tidy the cache if it wants to (each fetch leaves a small pack). */
    async cleanup(cache: string, jobId: string): Promise<void> {
      await inTurn(cache, async () => {
        await removeWorktree(cache, join(o.dir, 'jobs', jobId));
        await run(['maintenance', 'run', '--auto', '--quiet'], cache);
      });
    },
  };
}

/**
 * Whether a worktree has anything uncommitted (untracked files included), its HEAD and its branch, from one
 * `git status`. `head` is undefined on an unborn branch, `branch` when HEAD is detached.
 */
export async function readStatus(run: (args: string[], cwd: string) => Promise<GitResult>, cwd: string): Promise<{ dirty: boolean; head?: string; branch?: string }> {
  const out = mustOk(await run(['status', '--porcelain=v2', '--branch', '--untracked-files=all'], cwd), `reading the status of ${cwd}`).stdout;
  const head = /^# branch\.oid ([0-9a-f]{40,64})$/m.exec(out)?.[1];
  const branch = /^# branch\.head (.+)$/m.exec(out)?.[1];
  return { dirty: out.split('\n').some((l) => l !== '' && !l.startsWith('#')), ...(head ? { head } : {}), ...(branch && branch !== '(detached)' ? { branch } : {}) };
}

/**
 * The daemon's side: applies a worker's bundle to the run's worktree (which must still be at `startSha`), so the
 * rest of the run (checks, review, merge) works on the agent's result as if it had run here.
 */
export async function applyBundle(o: { root: string; worktree: string; jobId: string; startSha: string; head: string; bundle: Buffer; tmpDir: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  const runner = createRunner({ env: o.env ?? process.env });
  const run: Run = (args, cwd) => runner.run([...NO_HOOKS, ...args], { cwd });
  mkdirSync(o.tmpDir, { recursive: true, mode: 0o700 });
  const file = join(o.tmpDir, `${o.jobId}.bundle`);
  writeFileSync(file, o.bundle, { mode: 0o600 });
  try {
    // PERF: two git calls. No separate `bundle verify`: fetching from a bundle verifies it (its prerequisites must be
    // here, every object it brings is checked for connectivity). No ref to make, read and delete: the fetch runs in
    // the run's worktree (whose FETCH_HEAD is its own), and the fast-forward goes to the head the worker named.
    // No automatic maintenance after it either (a process per turn; the daemon's own commits and merges run it).
    // A fetch checks the connectivity of every ref, the HEADs of the other runs' worktrees included, and `worktree
    // add` writes a new worktree's HEAD as zeros before it sets it: a run starting next to this one fails the fetch
    // with "bad object worktrees/<run>/HEAD". That is another run's moment, not this bundle's fault: try again.
    let fetched = await run(['fetch', '-q', '--no-tags', '--no-auto-maintenance', file, 'HEAD'], o.worktree);
    for (let attempt = 1; attempt <= 5 && fetched.exitCode !== 0 && /bad object worktrees\//.test(fetched.stderr); attempt++) {
      await new Promise((r) => setTimeout(r, 50 * attempt));
      fetched = await run(['fetch', '-q', '--no-tags', '--no-auto-maintenance', file, 'HEAD'], o.worktree);
    }
    mustOk(fetched, 'fetching the worker bundle');
  } finally {
    rmSync(file, { force: true });
  }
  // The worktree is clean at startSha (committed before the job); --ff-only refuses a head that does not descend
  // from it, and a head the bundle did not bring is not here. No automatic maintenance after it (a process per turn;
  // the daemon's own commits and merges run it). The ancestry is asked only to explain a refusal.
  const merged = await run(['-c', 'maintenance.auto=false', 'merge', '-q', '--ff-only', o.head], o.worktree);
  if (merged.exitCode === 0) return;
  if ((await run(['cat-file', '-e', `${o.head}^{commit}`], o.root)).exitCode !== 0) throw new Error(`the worker said its work ends at ${o.head} but its bundle does not hold that commit`);
  if ((await run(['merge-base', '--is-ancestor', o.startSha, o.head], o.root)).exitCode !== 0) throw new Error(`the worker's result ${o.head.slice(0, 10)} does not descend from ${o.startSha.slice(0, 10)}; refusing it`);
  mustOk(merged, 'moving the run branch to the worker result');
}

/** The commit a detached worktree is at, read from its HEAD file (no git process), or undefined when it is not that simple. */
function detachedHead(worktree: string): string | undefined {
  try {
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(join(worktree, '.git'), 'utf8'))?.[1]?.trim();
    if (!pointer) return undefined;
    const head = readFileSync(join(isAbsolute(pointer) ? pointer : join(worktree, pointer), 'HEAD'), 'utf8').trim();
    return /^[0-9a-f]{40,64}$/.test(head) ? head : undefined;
  } catch {
    return undefined;
  }
}
