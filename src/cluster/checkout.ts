import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, existsSync, renameSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRunner, type GitResult } from '../git/index.js';
import { jobRef, outRef } from './names.js';

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

  return {
    /** Fetches the job's start ref into the cache and makes a detached worktree at it. */
    async prepare(job: { id: string; repoUrl: string; fetchRef: string; startSha: string }): Promise<{ cache: string; worktree: string }> {
      const cache = await cacheFor(job.repoUrl);
      const have = await run(['cat-file', '-e', `${job.startSha}^{commit}`], cache);
      if (have.exitCode !== 0) mustOk(await run(['fetch', '-q', '--no-tags', '--', job.repoUrl, `+${job.fetchRef}:${jobRef(job.id)}`], cache), `fetching ${job.fetchRef} from ${job.repoUrl}`);
      const worktree = join(o.dir, 'jobs', job.id);
      if (existsSync(worktree)) await this.cleanup(cache, job.id);
      mustOk(await run(['worktree', 'add', '-q', '--detach', worktree, job.startSha], cache), 'creating the job worktree');
      return { cache, worktree };
    },

    /** Commits what the agent left and bundles every commit since the start; undefined when nothing changed. */
    async collect(cache: string, worktree: string, job: { id: string; startSha: string }): Promise<{ head: string; bundle?: Buffer }> {
      // PERF: one `status` when the agent committed everything itself (as agents are told to).
      const dirty = mustOk(await run(['status', '--porcelain', '--untracked-files=all'], worktree), 'reading the agent work').stdout.trim() !== '';
      if (dirty) {
        mustOk(await run(['add', '-A'], worktree), 'staging the agent work');
      }
      if (dirty && (await run(['diff', '--cached', '--quiet'], worktree)).exitCode === 1) {
        mustOk(await run(['-c', 'user.name=Orch worker', '-c', 'user.email=orch@localhost', '-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', '-m', 'wip: agent turn on a worker'], worktree), 'committing the agent work');
      }
      const head = mustOk(await run(['rev-parse', 'HEAD'], worktree), 'reading HEAD').stdout.trim();
      if (head === job.startSha) return { head };
      mustOk(await run(['update-ref', outRef(job.id), head], cache), 'naming the agent work');
      const file = join(o.dir, `${job.id}.bundle`);
      mustOk(await run(['bundle', 'create', '-q', file, outRef(job.id), `^${job.startSha}`], cache), 'bundling the agent work');
      const bundle = readFileSync(file);
      rmSync(file, { force: true });
      return { head, bundle };
    },

    async cleanup(cache: string, jobId: string): Promise<void> {
      const worktree = join(o.dir, 'jobs', jobId);
      await run(['worktree', 'remove', '--force', worktree], cache);
      rmSync(worktree, { recursive: true, force: true });
      await run(['worktree', 'prune'], cache);
      await run(['update-ref', '-d', outRef(jobId)], cache);
      await run(['update-ref', '-d', jobRef(jobId)], cache);
    },
  };
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
    // PERF: no separate `bundle verify`: fetching from a bundle verifies it (its prerequisites must be here, every
    // object it brings is checked for connectivity) and fails otherwise.
    mustOk(await run(['fetch', '-q', '--no-tags', file, `+${outRef(o.jobId)}:${outRef(o.jobId)}`], o.root), 'fetching the worker bundle');
  } finally {
    rmSync(file, { force: true });
  }
  const got = mustOk(await run(['rev-parse', outRef(o.jobId)], o.root), 'reading the worker result').stdout.trim();
  if (got !== o.head) throw new Error(`the worker said its work ends at ${o.head} but the bundle holds ${got}`);
  try {
    // The worktree is clean at startSha (committed before the job); a fast-forward to the worker's head, which
    // --ff-only refuses unless the result descends from it (PERF: the ancestry is asked only to explain a refusal).
    const merged = await run(['merge', '-q', '--ff-only', got], o.worktree);
    if (merged.exitCode !== 0) {
      const ancestor = await run(['merge-base', '--is-ancestor', o.startSha, got], o.root);
      if (ancestor.exitCode !== 0) throw new Error(`the worker's result ${got.slice(0, 10)} does not descend from ${o.startSha.slice(0, 10)}; refusing it`);
      mustOk(merged, 'moving the run branch to the worker result');
    }
  } finally {
    await run(['update-ref', '-d', outRef(o.jobId)], o.root);
  }
}
