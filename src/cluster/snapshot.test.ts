import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotWorktree } from './snapshot.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const env = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@t' };
const setup = (): { root: string; wt: string; tmp: string; git: (cwd: string, ...a: string[]) => string } => {
  const base = mkdtempSync(join(tmpdir(), 'orch-snap-'));
  dirs.push(base);
  const root = join(base, 'repo');
  const wt = join(base, 'wt');
  mkdirSync(root);
  const git = (cwd: string, ...a: string[]): string => execFileSync('git', a, { cwd, env, encoding: 'utf8' });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'commit.gpgsign', 'false');
  writeFileSync(join(root, 'a.txt'), 'a\n');
  writeFileSync(join(root, 'b.txt'), 'b\n');
  writeFileSync(join(root, '.gitignore'), 'ignored/\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
  git(root, 'worktree', 'add', '-q', '-b', 'orch/run', wt);
  return { root, wt, tmp: join(base, 'tmp'), git };
};

describe('snapshotWorktree', () => {
  it('captures staged, unstaged and new files as a commit on HEAD, leaving index, HEAD and branch untouched', async () => {
    const { wt, tmp, git } = setup();
    writeFileSync(join(wt, 'a.txt'), 'a staged\n');
    git(wt, 'add', 'a.txt');
    writeFileSync(join(wt, 'a.txt'), 'a staged, then edited\n');
    writeFileSync(join(wt, 'b.txt'), 'b unstaged\n');
    writeFileSync(join(wt, 'new.txt'), 'new\n');
    git(wt, 'rm', '-q', '--cached', 'b.txt');
    writeFileSync(join(wt, 'b.txt'), 'b unstaged\n');
    mkdirSync(join(wt, 'ignored'));
    writeFileSync(join(wt, 'ignored', 'secret.txt'), 'not for workers\n');
    const indexFile = git(wt, 'rev-parse', '--git-path', 'index').trim();
    const before = {
      head: git(wt, 'rev-parse', 'HEAD'),
      branch: git(wt, 'rev-parse', 'refs/heads/orch/run'),
      status: git(wt, 'status', '--porcelain=v1', '-z'),
      index: readFileSync(resolve(wt, indexFile)),
      refs: git(wt, 'for-each-ref'),
    };
    const r = await snapshotWorktree({ worktree: wt, tmpDir: tmp, env });
    if (!r.ok) throw new Error(r.error);
    expect(r.head).toBe(before.head.trim());
    expect(git(wt, 'rev-parse', `${r.sha}^`).trim()).toBe(before.head.trim());
    expect(git(wt, 'show', `${r.sha}:a.txt`)).toBe('a staged, then edited\n');
    expect(git(wt, 'show', `${r.sha}:b.txt`)).toBe('b unstaged\n');
    expect(git(wt, 'show', `${r.sha}:new.txt`)).toBe('new\n');
    expect(git(wt, 'ls-tree', '-r', '--name-only', r.sha)).not.toContain('ignored/');
    // Nothing the agent sees moved: its index (byte for byte), its HEAD, its branch, its status, no new refs.
    expect(git(wt, 'rev-parse', 'HEAD')).toBe(before.head);
    expect(git(wt, 'rev-parse', 'refs/heads/orch/run')).toBe(before.branch);
    expect(git(wt, 'status', '--porcelain=v1', '-z')).toBe(before.status);
    expect(readFileSync(resolve(wt, indexFile)).equals(before.index)).toBe(true);
    expect(git(wt, 'for-each-ref')).toBe(before.refs);
    // The temporary index is gone.
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  });

  it('runs no repository hook and a clean worktree snapshots to HEAD\'s tree', async () => {
    const { root, wt, tmp, git } = setup();
    const hooks = join(root, '.git', 'hooks');
    const marker = join(root, 'hook-ran');
    for (const h of ['pre-commit', 'post-commit', 'post-index-change']) writeFileSync(join(hooks, h), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const r = await snapshotWorktree({ worktree: wt, tmpDir: tmp, env });
    if (!r.ok) throw new Error(r.error);
    expect(git(wt, 'rev-parse', `${r.sha}^{tree}`)).toBe(git(wt, 'rev-parse', 'HEAD^{tree}'));
    expect(existsSync(marker)).toBe(false);
  });

  it('says why when the directory is not a worktree', async () => {
    const base = mkdtempSync(join(tmpdir(), 'orch-snap-'));
    dirs.push(base);
    const r = await snapshotWorktree({ worktree: base, tmpDir: join(base, 'tmp'), env });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/reading the worktree head failed with exit code 128/);
  });
});
