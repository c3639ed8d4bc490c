import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRunner, type GitResult } from '../git/index.js';

export type SnapshotResult = { ok: true; sha: string; head: string } | { ok: false; error: string };

const IDENTITY = { GIT_AUTHOR_NAME: 'Orch', GIT_AUTHOR_EMAIL: 'orch@localhost', GIT_COMMITTER_NAME: 'Orch', GIT_COMMITTER_EMAIL: 'orch@localhost' };

const failed = (what: string, r: GitResult): SnapshotResult => ({
  ok: false,
  error: `${what} failed with exit code ${r.exitCode}: git ${r.command.join(' ')}\n${r.stderr.trim().split('\n').slice(-3).join('\n')}`,
});

/**
 * The worktree as it is now (tracked changes, new files; ignored files left out) as a commit whose parent is HEAD,
 * without touching the worktree's index, HEAD or branch: `add -A` goes to a temporary index (a copy of the real
 * one, so unchanged files are not hashed again), `write-tree` and `commit-tree` make a commit no ref names yet.
 * The agent can go on working meanwhile; what it changes during the snapshot may or may not be in it.
 */
export async function snapshotWorktree(o: { worktree: string; tmpDir: string; env?: NodeJS.ProcessEnv }): Promise<SnapshotResult> {
  const git = createRunner({ env: o.env ?? process.env });
  const head = await git.run(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: o.worktree });
  if (head.exitCode !== 0) return failed('reading the worktree head', head);
  const indexPath = await git.run(['rev-parse', '--git-path', 'index'], { cwd: o.worktree });
  if (indexPath.exitCode !== 0) return failed('finding the worktree index', indexPath);
  const raw = indexPath.stdout.trim();
  const realIndex = isAbsolute(raw) ? raw : resolve(o.worktree, raw);
  mkdirSync(o.tmpDir, { recursive: true, mode: 0o700 });
  const tmpIndex = join(o.tmpDir, `snapshot-${randomBytes(6).toString('hex')}.index`);
  try {
    try {
      copyFileSync(realIndex, tmpIndex);
    } catch {
      // No index yet (a fresh worktree): `add -A` builds one from nothing.
    }
    const env = { GIT_INDEX_FILE: tmpIndex };
    const add = await git.run(['add', '-A'], { cwd: o.worktree, env });
    if (add.exitCode !== 0) return failed('staging the worktree into a temporary index', add);
    const tree = await git.run(['write-tree'], { cwd: o.worktree, env });
    if (tree.exitCode !== 0) return failed('writing the snapshot tree', tree);
    const sha = head.stdout.trim();
    const commit = await git.run(['commit-tree', tree.stdout.trim(), '-p', sha, '-m', 'orch: worktree snapshot for a command job'], { cwd: o.worktree, env: { ...env, ...IDENTITY } });
    if (commit.exitCode !== 0) return failed('committing the snapshot', commit);
    return { ok: true, sha: commit.stdout.trim(), head: sha };
  } finally {
    rmSync(tmpIndex, { force: true });
    rmSync(`${tmpIndex}.lock`, { force: true });
  }
}
