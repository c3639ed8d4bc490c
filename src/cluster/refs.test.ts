import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRefFile } from './refs.js';

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, env, encoding: 'utf8' }).trim();

describe('reading a branch ref without git', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reads a loose ref, then the same ref once packed, as git says; anything unusual is left to git', () => {
    const repo = mkdtempSync(join(tmpdir(), 'orch-refs-'));
    dirs.push(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'a.txt'), 'a\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'one');
    const dotGit = join(repo, '.git');
    expect(readRefFile(dotGit, 'refs/heads/main')).toBe(git(repo, 'rev-parse', 'main'));
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'two');
    git(repo, 'pack-refs', '--all');
    expect(readRefFile(dotGit, 'refs/heads/main')).toBe(git(repo, 'rev-parse', 'main'));
    // A loose ref wins over its packed entry, as in git.
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'three');
    expect(readRefFile(dotGit, 'refs/heads/main')).toBe(git(repo, 'rev-parse', 'main'));
    expect(readRefFile(dotGit, 'refs/heads/nope')).toBeUndefined();
    git(repo, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
    expect(readRefFile(dotGit, 'refs/heads/alias')).toBeUndefined();
    expect(readRefFile(dotGit, 'refs/heads/../../config')).toBeUndefined();
  });
});
