import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/agents/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';

interface RunJson {
  id: string;
  state: string;
  branch: string;
  worktree: string;
  sessionId: string | null;
  pid: number | null;
  savedRef: string | null;
}

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const agentCalls = (s: Sandbox) =>
  readFileSync(s.agentLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { pid: number; cwd: string; resume: string | null; session: string });

// S3: `orch stop` is graceful: the agent is ended, its partial work committed to the run's branch, its session kept;
// a later `orch start` of the task continues from that branch in the same session instead of starting over.
describe('orch stop keeps the work and the session for a later start', () => {
  it('stop commits partial work to the branch; start continues that branch and resumes the same session to merged', async () => {
    // The fake agent hangs on a fresh session and finishes only when resumed.
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }) }, { env: { FAKE_CLAUDE_HANG_UNLESS_RESUMED: '1' } });
    const s = sb;
    expect(s.orch('start', 'core/E01').status).toBe(0);
    const run = await until(() => s.orchJson<{ runs: RunJson[] }>('show', 'core/E01').runs.find((r) => r.sessionId && r.pid), 'the agent and its session');
    // Work the agent has done so far, not committed.
    writeFileSync(join(run.worktree, 'partial.txt'), 'half done\n');

    const stop = s.orch('stop', 'core/E01');
    expect(stop.status, stop.stderr).toBe(0);
    const stopped = await until(() => s.orchJson<{ runs: RunJson[] }>('show', 'core/E01').runs.find((r) => r.state === 'stopped'), 'the run to stop');
    expect(isAlive(run.pid ?? 0)).toBe(false);
    expect(stopped.sessionId).toBe(run.sessionId);
    expect(s.orchJson<Array<{ id: string; status: string }>>('list')[0]?.status).toBe('not_started');
    // Partial work committed on the run's branch (and kept by a saved ref); the worktree itself is gone.
    expect(s.git('show', `${run.branch}:partial.txt`)).toBe('half done\n');
    expect(s.git('show', `${stopped.savedRef ?? 'none'}:partial.txt`)).toBe('half done\n');
    expect(existsSync(run.worktree)).toBe(false);
    expect(s.git('log', '--format=%s', 'main')).not.toContain('implement E01');

    // A later start continues: same branch, same worktree path, same session.
    const again = s.orch('start', 'core/E01');
    expect(again.status, again.stderr).toBe(0);
    await until(() => s.orchJson<Array<{ id: string; status: string }>>('list')[0]?.status === 'complete', 'the continued run to merge');
    const calls = agentCalls(s);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.resume).toBe(run.sessionId);
    expect(calls[1]?.cwd).toBe(calls[0]?.cwd);
    const runs = s.orchJson<{ runs: RunJson[] }>('show', 'core/E01').runs;
    expect(runs).toHaveLength(2);
    expect(runs.find((r) => r.state === 'done')).toMatchObject({ branch: run.branch, worktree: run.worktree, sessionId: run.sessionId });
    // The merge holds the partial work and the finished work, once.
    expect(s.git('show', 'main:partial.txt')).toBe('half done\n');
    expect(s.git('show', 'main:src/a.txt')).toBe('a\n');
    expect(s.git('log', '--format=%s', 'main').match(/implement E01 - A/g)).toHaveLength(1);
  });

  it('a stopped task whose branch was deleted continues from its saved ref', async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }) }, { env: { FAKE_CLAUDE_HANG_UNLESS_RESUMED: '1' } });
    const s = sb;
    expect(s.orch('start', 'core/E01').status).toBe(0);
    const run = await until(() => s.orchJson<{ runs: RunJson[] }>('show', 'core/E01').runs.find((r) => r.sessionId && r.pid), 'the agent and its session');
    writeFileSync(join(run.worktree, 'partial.txt'), 'half done\n');
    expect(s.orch('stop', 'core/E01').status).toBe(0);
    await until(() => s.orchJson<{ runs: RunJson[] }>('show', 'core/E01').runs.find((r) => r.state === 'stopped'), 'the run to stop');
    s.git('branch', '-D', run.branch);
    expect(s.orch('start', 'core/E01').status).toBe(0);
    await until(() => s.orchJson<Array<{ id: string; status: string }>>('list')[0]?.status === 'complete', 'the continued run to merge');
    expect(s.git('show', 'main:partial.txt')).toBe('half done\n');
    expect(agentCalls(s)[1]?.resume).toBe(run.sessionId);
  });
});
