import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, existsSync, readdirSync, renameSync, rmSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
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
 * a worktree per job slot from it (kept between jobs), and the agent's work back as a git pack.
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
  // The last commit fetched is kept under FETCHED: a fetch tells the other side what it has from the refs, and a cache
  // with none would be sent the whole history every time. No automatic maintenance on the way to the agent (a
  // process): the cleanups run it now and then.
  const fetch = (cache: string, url: string, ref: string): Promise<GitResult> =>
    run(['fetch', '-q', '--no-tags', '--no-write-fetch-head', '--no-auto-maintenance', '--', url, `+${ref}:${FETCHED}`], cache);
  /** Fetches a job's start commit, or fails saying why in words a user can act on. */
  const fetchStart = async (cache: string, job: { repoUrl: string; fetchRef: string; startSha: string }): Promise<void> => {
    const f = await fetch(cache, job.repoUrl, job.fetchRef);
    if (f.exitCode !== 0) throw new Error(`${CHECKOUT_FAILED}: ${fetchProblem(f, job, cache)}`);
    if ((await run(['cat-file', '-e', `${job.startSha}^{commit}`], cache)).exitCode !== 0) {
      throw new Error(`${CHECKOUT_FAILED}: ${job.fetchRef} at ${job.repoUrl} is not at ${job.startSha.slice(0, 10)}, the commit the run starts from (the run branch lives on the coordinator: set [cluster] repo_url to a URL of the coordinator's repository, such as [cluster] git_daemon serves)`);
    }
  };

  /**
   * PERF: a worktree per job slot, kept between jobs. A job checks its slot out at its start commit (one git process,
   * which rewrites only the files that differ) instead of `worktree add` and `worktree remove` (four processes, every
   * file written). Slots of a cache are `slots/<cache>-<n>`; those a previous worker process left are taken again.
   * `clean` holds the slots known to have nothing untracked or ignored (cleaned after their last job).
   */
  const idle = new Map<string, string[]>();
  const clean = new Set<string>();
  const slotsDir = join(o.dir, 'slots');
  const slotPrefix = (cache: string): string => `${basename(cache, '.git')}-`;
  const takeSlot = (cache: string): string => {
    let free = idle.get(cache);
    if (!free) {
      // The first job of this cache since the worker started: the slots an earlier worker process left.
      const left = existsSync(slotsDir) ? readdirSync(slotsDir).filter((n) => n.startsWith(slotPrefix(cache))) : [];
      free = left.map((n) => join(slotsDir, n));
      idle.set(cache, free);
    }
    const slot = free.pop();
    if (slot) return slot;
    for (let n = 0; ; n++) {
      const name = join(slotsDir, `${slotPrefix(cache)}${n}`);
      if (!existsSync(name) && !busy.has(name) && !free.includes(name)) return name;
    }
  };
  const busy = new Set<string>();
  /** A slot still pointing at its own admin files in this cache (an agent can rewrite `.git` in its worktree). */
  const linked = (cache: string, slot: string): boolean => {
    try {
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(join(slot, '.git'), 'utf8'))?.[1]?.trim() ?? '';
      return pointer === join(cache, 'worktrees', basename(slot));
    } catch {
      return false;
    }
  };
  /** Checks a kept slot out at `sha`, fetching it first when it is missing; false when the slot is unusable. */
  const checkoutSlot = async (cache: string, slot: string, job: { repoUrl: string; fetchRef: string; startSha: string }): Promise<{ ok: boolean; fetched: boolean }> => {
    if (!linked(cache, slot)) return { ok: false, fetched: false };
    const checkout = (): Promise<GitResult> => run(['checkout', '-q', '--force', '--detach', job.startSha], slot);
    let r = await checkout();
    let fetched = false;
    if (r.exitCode !== 0 && (await run(['cat-file', '-e', `${job.startSha}^{commit}`], cache)).exitCode !== 0) {
      await fetchStart(cache, job);
      fetched = true;
      r = await checkout();
    }
    if (r.exitCode !== 0) return { ok: false, fetched };
    // A slot an earlier worker process left (killed mid-job, say): whatever its last job left goes. So does a
    // repository the last agent nested in it and committed (git leaves its directory when it moves away from it).
    if (!clean.has(slot) || /unable to rmdir/.test(r.stderr)) mustOk(await run(['clean', '-q', '-ffdx'], slot), 'cleaning the job worktree');
    return { ok: true, fetched };
  };
  const addSlot = async (cache: string, slot: string, job: { repoUrl: string; fetchRef: string; startSha: string }): Promise<boolean> => {
    mkdirSync(slotsDir, { recursive: true });
    if (existsSync(slot)) await removeWorktree(cache, slot);
    const add = (): Promise<GitResult> => run(['worktree', 'add', '-q', '--detach', slot, job.startSha], cache);
    let r = await add();
    let fetched = false;
    if (r.exitCode !== 0 && (await run(['cat-file', '-e', `${job.startSha}^{commit}`], cache)).exitCode !== 0) {
      await fetchStart(cache, job);
      fetched = true;
      if (existsSync(slot)) await removeWorktree(cache, slot);
      r = await add();
    }
    mustOk(r, 'creating the job worktree');
    return fetched;
  };
  const cleanups = new Map<string, number>();
  /** Worktrees whose agent left nothing ignored (all else it left is in its commit): no `clean` needed after it. */
  const pristine = new Set<string>();

  return {
    /** Checks a worktree of the repository's cache out at the job's start commit, fetching it when it is not there. */
    async prepare(job: { id: string; repoUrl: string; fetchRef: string; startSha: string }): Promise<{ cache: string; worktree: string; fetched: boolean }> {
      const cache = await cacheFor(job.repoUrl);
      const slot = takeSlot(cache);
      busy.add(slot);
      try {
        const fetched = await inTurn(cache, async () => {
          if (existsSync(slot)) {
            const kept = await checkoutSlot(cache, slot, job);
            if (kept.ok) return kept.fetched;
          }
          clean.delete(slot);
          return addSlot(cache, slot, job);
        });
        clean.delete(slot);
        return { cache, worktree: slot, fetched };
      } catch (e) {
        busy.delete(slot);
        clean.delete(slot);
        idle.get(cache)?.push(slot);
        throw e;
      }
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
        // PERF: a commit fetched before is usually a loose object (small fetches are unpacked); no process to ask.
        if (!h || existsSync(join(cache, 'objects', h.sha.slice(0, 2), h.sha.slice(2)))) return false;
        return (await fetch(cache, hint.repoUrl, h.ref)).exitCode === 0;
      });
    },

    /** Commits what the agent left and packs the objects of every commit since the start; no pack when nothing changed. */
    async collect(cache: string, worktree: string, job: { id: string; startSha: string }): Promise<{ head: string; pack?: Buffer }> {
      // PERF: one `status` says both whether anything is uncommitted and where HEAD is, when the agent committed
      // everything itself (as agents are told to).
      const st = await readStatus(run, worktree, { ignored: true });
      if (!st.ignored) pristine.add(worktree);
      if (st.dirty) {
        mustOk(await run(['add', '-A'], worktree), 'staging the agent work');
        // PERF: no `diff --cached` first (`commit` says when nothing is staged) and no automatic maintenance of the
        // cache after it (a process per job; the cleanups run it now and then).
        const c = await run(['-c', 'user.name=Orch worker', '-c', 'user.email=orch@localhost', '-c', 'commit.gpgsign=false', '-c', 'maintenance.auto=false', 'commit', '-q', '--no-verify', '-m', 'wip: agent turn on a worker'], worktree);
        if (c.exitCode !== 0 && !/nothing (added )?to commit|no changes added/.test(c.stdout + c.stderr)) mustOk(c, 'committing the agent work');
      }
      const head = (st.dirty || !st.head ? detachedHead(worktree) : st.head) ?? mustOk(await run(['rev-parse', 'HEAD'], worktree), 'reading HEAD').stdout.trim();
      if (head === job.startSha) return { head };
      // PERF: one process, a plain pack of the objects the start commit does not have (no bundle header to write and
      // verify, no fetch on the daemon: it unpacks it). Not thin: the daemon needs no object of the pack's deltas.
      const base = join(o.dir, 'out', job.id);
      mkdirSync(join(o.dir, 'out'), { recursive: true, mode: 0o700 });
      const packed = mustOk(await run(['pack-objects', '-q', '--revs', base], worktree, Buffer.from(`${head}\n^${job.startSha}\n`)), 'packing the agent work');
      const name = `${base}-${packed.stdout.trim()}`;
      try {
        return { head, pack: readFileSync(`${name}.pack`) };
      } finally {
        rmSync(`${name}.pack`, { force: true });
        rmSync(`${name}.idx`, { force: true });
      }
    },

    /**
     * Readies the job's worktree for the next job (nothing untracked or ignored left: one job's build output is no
     * other's), then lets git tidy the cache now and then (each fetch leaves a small pack or loose objects).
     */
    async cleanup(cache: string, worktree: string): Promise<void> {
      try {
        // PERF: nothing to clean when the agent's commit holds all it left (no build output, nothing ignored).
        if (linked(cache, worktree) && (pristine.has(worktree) || (await run(['clean', '-q', '-ffdx'], worktree)).exitCode === 0)) clean.add(worktree);
        else await inTurn(cache, () => removeWorktree(cache, worktree));
      } finally {
        pristine.delete(worktree);
        busy.delete(worktree);
        idle.get(cache)?.push(worktree);
      }
      const n = (cleanups.get(cache) ?? 0) + 1;
      cleanups.set(cache, n);
      if (n % MAINTENANCE_EVERY === 1) await inTurn(cache, () => run(['maintenance', 'run', '--auto', '--quiet'], cache));
    },
  };
}

/** The ref of a repository cache that holds the last commit fetched into it (what a fetch says it has). */
const FETCHED = 'refs/orch/fetched';
/** How a job's error starts when the worker could not get the run's code: the daemon then runs the turn itself. */
export const CHECKOUT_FAILED = "cannot check out the run's code";

/** Why a fetch of a job's start failed, and what to do about it. */
function fetchProblem(f: GitResult, job: { repoUrl: string; fetchRef: string }, cache: string): string {
  const lines = f.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const said = lines.filter((l) => /^(fatal|error):/.test(l));
  const err = (said.length ? said : lines).slice(-3).join('; ');
  if (/couldn't find remote ref|no such ref|not our ref/i.test(err)) {
    return `${job.repoUrl} has no ${job.fetchRef} (${err}): the run branch lives on the coordinator; set [cluster] repo_url to a URL of the coordinator's repository (such as [cluster] git_daemon serves), or push run branches there`;
  }
  if (/missing|bad object|did not send all necessary objects|corrupt|fsck|unable to read/i.test(err)) {
    return `the repository cache ${cache} is damaged (${err}): stop the worker, remove that directory and start it again; it fetches the repository anew`;
  }
  if (/does not appear to be a git repository|not found|Could not read from remote|unable to access|Connection refused|Permission denied|Host key/i.test(err)) {
    return `${job.repoUrl} cannot be fetched from this machine (${err}): check the URL (--repo here, [cluster] repo_url on the coordinator), the network and this worker's git credentials`;
  }
  return `fetching ${job.fetchRef} from ${job.repoUrl} failed with exit code ${f.exitCode}: ${err}`;
}

/** The cleanups run `git maintenance run --auto` on the first job and every this many after it (a process). */
const MAINTENANCE_EVERY = 20;

/**
 * Whether a worktree has anything uncommitted (untracked files included), its HEAD and its branch, from one
 * `git status`. `head` is undefined on an unborn branch, `branch` when HEAD is detached.
 */
export async function readStatus(run: (args: string[], cwd: string) => Promise<GitResult>, cwd: string, o: { ignored?: boolean } = {}): Promise<{ dirty: boolean; ignored: boolean; head?: string; branch?: string }> {
  // `matching`: an ignored directory is one line, not walked.
  const out = mustOk(await run(['status', '--porcelain=v2', '--branch', '--untracked-files=all', ...(o.ignored ? ['--ignored=matching'] : [])], cwd), `reading the status of ${cwd}`).stdout;
  const head = /^# branch\.oid ([0-9a-f]{40,64})$/m.exec(out)?.[1];
  const branch = /^# branch\.head (.+)$/m.exec(out)?.[1];
  const lines = out.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return { dirty: lines.some((l) => !l.startsWith('! ')), ignored: lines.some((l) => l.startsWith('! ')), ...(head ? { head } : {}), ...(branch && branch !== '(detached)' ? { branch } : {}) };
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
