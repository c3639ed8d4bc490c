import { resolve } from 'node:path';
import { GitError, type GitRunner } from './types.js';

/** Rejects values git would parse as an option (not every command used here knows `--end-of-options`). */
export function argSafe(value: string, what: string): string {
  if (value === '' || value.startsWith('-') || value.includes('\0')) {
    throw new Error(`invalid ${what} "${value}": must be non-empty and must not start with "-"`);
  }
  return value;
}

/** `main` -> `refs/heads/main`; a full `refs/...` name is kept. */
export function branchRef(branch: string): string {
  argSafe(branch, 'branch');
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

export async function repoRoot(git: GitRunner, cwd: string): Promise<string | undefined> {
  const r = await git.run(['rev-parse', '--show-toplevel'], { cwd });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/**
 * The checkout around `cwd` and the git dir all its worktrees share (absolute), from one git process: the daemon's
 * start asked twice (issue 12: each git process costs the daemon's thread a fork). Undefined outside a work tree.
 */
export async function repoPlace(git: GitRunner, cwd: string): Promise<{ root: string; commonDir: string | undefined } | undefined> {
  const r = await git.run(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir'], { cwd });
  if (r.exitCode !== 0) return undefined;
  const [root, commonDir] = r.stdout.split('\n');
  return root ? { root, commonDir: commonDir || undefined } : undefined;
}

/** Absolute git dir of the checkout at `cwd` (`.git/worktrees/<name>` for a linked worktree). */
export async function gitDir(git: GitRunner, cwd: string): Promise<string> {
  return (await git.ok(['rev-parse', '--absolute-git-dir'], { cwd })).trim();
}

/** Absolute directory shared by all worktrees (objects, refs). */
export async function commonDir(git: GitRunner, cwd: string): Promise<string> {
  return resolve(cwd, (await git.ok(['rev-parse', '--git-common-dir'], { cwd })).trim());
}

export async function revParse(git: GitRunner, root: string, ref: string): Promise<string | undefined> {
  const r = await git.run(['rev-parse', '--verify', '--quiet', argSafe(ref, 'ref')], { cwd: root });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Commit a branch name or any revision names, preferring the local branch over a same-named tag or sha. */
export async function resolveCommit(git: GitRunner, root: string, rev: string): Promise<string | undefined> {
  argSafe(rev, 'revision');
  if (!rev.startsWith('refs/')) {
    const asBranch = await revParse(git, root, `refs/heads/${rev}^{commit}`);
    if (asBranch) return asBranch;
  }
  return revParse(git, root, `${rev}^{commit}`);
}

export async function isAncestor(git: GitRunner, root: string, a: string, b: string): Promise<boolean> {
  const r = await git.run(['merge-base', '--is-ancestor', argSafe(a, 'revision'), argSafe(b, 'revision')], { cwd: root });
  if (r.exitCode === 0) return true;
  if (r.exitCode === 1) return false;
  throw new GitError(r);
}

export async function branchExists(git: GitRunner, root: string, branch: string): Promise<boolean> {
  const r = await git.run(['show-ref', '--verify', '--quiet', branchRef(branch)], { cwd: root });
  return r.exitCode === 0;
}

/** The branch checked out at `worktreePath`, or undefined when HEAD is detached. */
export async function currentBranchOf(git: GitRunner, worktreePath: string): Promise<string | undefined> {
  const r = await git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: worktreePath });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** origin/HEAD if set, else `main`, else `master`, else the branch checked out at `root`, else the only branch there is (a detached HEAD). */
export async function defaultBranch(git: GitRunner, root: string): Promise<string | undefined> {
  // PERF: one git process answers all three (issue 12: the daemon's start forked two or three). An origin/HEAD that
  // leads to a pruned branch is not listed, and names no branch to target.
  const refs = await git.run(['for-each-ref', '--format=%(refname)%00%(symref)', 'refs/remotes/origin/HEAD', 'refs/heads/main', 'refs/heads/master'], { cwd: root });
  const found = new Map((refs.exitCode === 0 ? refs.stdout : '').split('\n').filter(Boolean).map((l) => l.split('\0') as [string, string | undefined]));
  const origin = found.get('refs/remotes/origin/HEAD') ?? '';
  if (origin.startsWith('refs/remotes/origin/')) return origin.slice('refs/remotes/origin/'.length);
  // for-each-ref matches a pattern up to a slash too (refs/heads/main/x): only the exact names count.
  for (const candidate of ['main', 'master']) if (found.has(`refs/heads/${candidate}`)) return candidate;
  const current = await currentBranchOf(git, root);
  if (current !== undefined) return current;
  const branches = await localBranches(git, root);
  return branches.length === 1 ? branches[0] : undefined;
}

async function localBranches(git: GitRunner, root: string): Promise<string[]> {
  const r = await git.run(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { cwd: root });
  return r.exitCode === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** Why `defaultBranch` found none, and what to do, for a message. */
export async function noDefaultBranchReason(git: GitRunner, root: string): Promise<string> {
  const branches = await localBranches(git, root);
  if (branches.length === 0) return 'the repository has no commits; make a first commit or set target_branch in .orch/config.toml';
  const shown = branches.length > 6 ? `${branches.slice(0, 6).join(', ')}, ...` : branches.join(', ');
  return `HEAD is detached and no branch is called main or master (branches: ${shown}); check out the branch Orch should merge into, or set target_branch in .orch/config.toml`;
}

/** Points `refs/orch/saved/<id>` (or a full `refs/...` name) at `sha`, with a reflog so an overwrite is recoverable. */
export async function saveRef(git: GitRunner, root: string, ref: string, sha: string): Promise<string> {
  argSafe(ref, 'ref');
  const full = ref.startsWith('refs/') ? ref : `refs/orch/saved/${ref}`;
  await git.ok(['update-ref', '--create-reflog', '-m', 'orch: save', full, argSafe(sha, 'sha')], { cwd: root });
  return full;
}

/** Refs (other than `exclude`) whose history contains `sha`, at most `limit` of them. */
export async function refsContaining(git: GitRunner, root: string, sha: string, exclude?: string, limit = 2): Promise<string[]> {
  const out = await git.ok(
    ['for-each-ref', `--count=${limit + 1}`, '--format=%(refname)', '--contains', argSafe(sha, 'sha')],
    { cwd: root },
  );
  return out.split('\n').filter((ref) => ref !== '' && ref !== exclude).slice(0, limit);
}

/** Contents of `path` at `ref`, or undefined when the ref or the path does not exist. */
export async function readFileAt(git: GitRunner, root: string, ref: string, path: string): Promise<string | undefined> {
  const r = await git.run(['cat-file', 'blob', `${argSafe(ref, 'ref')}:${path.replace(/^\/+/, '')}`], { cwd: root });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/**
 * The newest of the last `limit` commits on `branch` carrying the trailer `key: value`, so a merge
 * interrupted by a crash can be recognised as done. Trailers are parsed by git and compared exactly,
 * so a value mentioned in a message body does not count.
 */
export async function containsCommitWithTrailer(
  git: GitRunner,
  root: string,
  branch: string,
  key: string,
  value: string,
  options: { limit?: number } = {},
): Promise<string | undefined> {
  if (!/^[A-Za-z0-9-]+$/.test(key)) throw new Error(`invalid trailer key "${key}": use letters, digits and "-"`);
  const tip = await resolveCommit(git, root, branch);
  if (!tip) return undefined;
  // PERF: a depth-bounded walk with git-side trailer parsing; `--grep` cannot bound the depth because
  // --max-count counts matches, not commits walked.
  const out = await git.ok(
    ['log', `--max-count=${options.limit ?? 1000}`, `--format=%H%x00%(trailers:key=${key},valueonly,separator=%x00)%x1e`, tip],
    { cwd: root },
  );
  for (const record of out.split('\x1e')) {
    const [sha, ...values] = record.replace(/^\n/, '').split('\0');
    if (sha && values.some((v) => v.trim() === value)) return sha;
  }
  return undefined;
}
