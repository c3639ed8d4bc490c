import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

// Issue 5: "a worktree without a run" is detected and repaired on startup, and its work is never lost.
describe('a worktree no run owns', () => {
  it('is saved to refs/orch/saved/orphan-<name> and removed on the next daemon start, named in the daemon log', async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }) });
    const s = sb;
    const st = s.orchJson<{ project: { key: string } }>('status');
    expect(s.orch('daemon', 'stop').status).toBe(0);
    const root = join(s.env.XDG_DATA_HOME ?? '', 'orch', 'worktrees', st.project.key);
    // A worktree on an orch-style branch with uncommitted work (as a crash between `git worktree add` and the
    // store write leaves it), and a directory that never became a worktree.
    const ghost = join(root, 'rghost01');
    s.git('worktree', 'add', '-q', '-b', 'feat/ghost-E01', ghost, 'main');
    writeFileSync(join(ghost, 'unsaved.txt'), 'precious\n');
    const half = join(root, 'rhalf02');
    mkdirSync(half, { recursive: true });
    writeFileSync(join(half, 'draft.txt'), 'half\n');
    // The user's own worktree elsewhere is none of Orch's business.
    const own = join(s.base, 'my-worktree');
    s.git('worktree', 'add', '-q', '-b', 'mine', own, 'main');
    writeFileSync(join(own, 'mine.txt'), 'mine\n');

    const r = s.orch('status');
    expect(r.status, r.stderr).toBe(0);
    expect(s.git('show', 'refs/orch/saved/orphan-rghost01:unsaved.txt')).toBe('precious\n');
    expect(s.git('show', 'refs/orch/saved/orphan-rhalf02:draft.txt')).toBe('half\n');
    expect(existsSync(ghost)).toBe(false);
    expect(existsSync(half)).toBe(false);
    expect(s.git('worktree', 'list')).not.toContain('rghost01');
    expect(readFileSync(join(own, 'mine.txt'), 'utf8')).toBe('mine\n');
    const daemonLog = readFileSync(join(s.env.XDG_STATE_HOME ?? '', 'orch', 'projects', st.project.key, 'daemon.log'), 'utf8');
    expect(daemonLog).toMatch(/worktree \S*rghost01 belonged to no run: its work saved to refs\/orch\/saved\/orphan-rghost01, removed/);
    expect(daemonLog).toMatch(/directory \S*rhalf02 belonged to no run: its work saved to refs\/orch\/saved\/orphan-rhalf02, removed/);

    // Work goes on normally afterwards.
    const run = s.orch('start', '--wait');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(s.git('show', 'main:src/a.txt')).toBe('a\n');
  });
});
