import { describe, expect, it } from 'vitest';
import { overwrittenPaths } from './advance.js';
import { parseMergeTreeZ, parseStatusZ, parseWorktreesZ, withTrailers } from './index.js';

const T = 'a'.repeat(40);
const H = 'b'.repeat(40);

describe('porcelain parsers', () => {
  it('parses status -z with renames, untracked and paths containing spaces', () => {
    const out = ` M src/a b.ts\0R  new.ts\0old.ts\0?? notes/todo.md\0A  added\0`;
    expect(parseStatusZ(out)).toEqual([
      { path: 'src/a b.ts', index: ' ', worktree: 'M', untracked: false, ignored: false },
      { path: 'new.ts', origPath: 'old.ts', index: 'R', worktree: ' ', untracked: false, ignored: false },
      { path: 'notes/todo.md', index: '?', worktree: '?', untracked: true, ignored: false },
      { path: 'added', index: 'A', worktree: ' ', untracked: false, ignored: false },
    ]);
    expect(parseStatusZ('')).toEqual([]);
  });

  it('parses worktree list -z', () => {
    const out =
      `worktree /repo\0HEAD ${H}\0branch refs/heads/main\0\0` +
      `worktree /wt/one\0HEAD ${H}\0detached\0locked initializing\0\0` +
      `worktree /wt/gone\0HEAD ${H}\0branch refs/heads/feat/x\0locked\0prunable gitdir file points to non-existent location\0\0`;
    const [main, one, gone] = parseWorktreesZ(out);
    expect(main).toEqual({ path: '/repo', head: H, branch: 'refs/heads/main', detached: false, bare: false, locked: false, prunable: false });
    expect(one).toMatchObject({ path: '/wt/one', detached: true, branch: undefined, locked: true, lockReason: 'initializing' });
    expect(gone).toMatchObject({ branch: 'refs/heads/feat/x', locked: true, prunable: true, prunableReason: 'gitdir file points to non-existent location' });
    expect(gone?.lockReason).toBeUndefined();
  });

  it('parses merge-tree -z output, clean and conflicted', () => {
    expect(parseMergeTreeZ(`${T}\0`)).toEqual({ tree: T, conflicts: [], messages: [] });
    const conflicted =
      `${T}\0f\0g h\0f\0\0` +
      `1\0f\0Auto-merging\0Auto-merging f\n\0` +
      `1\0f\0CONFLICT (contents)\0CONFLICT (content): Merge conflict in f\n\0` +
      `2\0g h\0x\0CONFLICT (rename/delete)\0CONFLICT (rename/delete): x renamed to g h\n\0`;
    expect(parseMergeTreeZ(conflicted)).toEqual({
      tree: T,
      conflicts: ['f', 'g h'],
      messages: ['Auto-merging f', 'CONFLICT (content): Merge conflict in f', 'CONFLICT (rename/delete): x renamed to g h'],
    });
    expect(parseMergeTreeZ('')).toBeUndefined();
  });

  it('lists the paths git refuses to overwrite', () => {
    const stderr =
      'error: The following untracked working tree files would be overwritten by merge:\n\tnew.txt\n\tdir/b.txt\n' +
      'Please move or remove them before you merge.\nAborting\n';
    expect(overwrittenPaths(stderr)).toEqual(['new.txt', 'dir/b.txt']);
  });
});

describe('withTrailers', () => {
  it('appends a trailer block, or extends an existing one', () => {
    expect(withTrailers('feat(x): y\n\nbody\n', { 'Orch-Run': 'r1', 'Orch-Task': 'billing/E01' })).toBe(
      'feat(x): y\n\nbody\n\nOrch-Run: r1\nOrch-Task: billing/E01\n',
    );
    expect(withTrailers('feat(x): y\n\nCo-authored-by: A <a@b>', { 'Orch-Run': 'r1' })).toBe(
      'feat(x): y\n\nCo-authored-by: A <a@b>\nOrch-Run: r1\n',
    );
    expect(withTrailers('subject')).toBe('subject\n');
    expect(() => withTrailers('s', { 'Bad Key': 'v' })).toThrow(/trailer key/);
    expect(() => withTrailers('s', { Key: 'two\nlines' })).toThrow(/single line/);
  });
});
