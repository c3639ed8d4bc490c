import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/agents/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';

interface TaskJson {
  id: string;
  module: string;
  epic: number;
  title: string;
  status: string;
  priority: string;
  dependsOn: string[];
  ready: boolean;
  file: string;
}

const readme = `# Plan

## Core

| Epic | Title | Status |
|---|---|---|
| [E01](core-module/epic-01-a.md) | A | 🔴 |
| [E02](core-module/epic-02-b.md) | B | 🔴 |

## Web

| Epic | Title | Status |
|---|---|---|
| [E01](web-module/epic-01-c.md) | C | 🔴 |
`;

const plan = (extra: Record<string, string> = {}): Record<string, string> => ({
  'docs/plans/README.md': readme,
  'docs/plans/core-module/00-overview.md': '# Core\n\nThe core.\n',
  'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }),
  'docs/plans/core-module/epic-02-b.md': epic('B', 'Second thing.', { 'src/b.txt': 'b' }),
  'docs/plans/web-module/epic-01-c.md': epic('C', 'Web thing. Requires core/E02.', { 'web/c.txt': 'c' }),
  ...extra,
});

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

describe('orch end to end with a fake agent process', () => {
  it('syncs, lists, orders, runs, merges in dependency order and writes the plan status back', () => {
    sb = sandbox(plan());
    const sync = sb.orch('sync');
    expect(sync.status, sync.stderr).toBe(0);
    expect(sync.stdout).toContain('synced 3 tasks in 2 modules');

    const list = sb.orchJson<TaskJson[]>('list');
    expect(list.map((t) => t.id)).toEqual(['core/E01', 'core/E02', 'web/E01']);
    const c = list.find((t) => t.id === 'web/E01');
    expect(c).toMatchObject({ module: 'web', epic: 1, title: 'C', status: 'not_started', ready: false, dependsOn: ['core/E02'], file: 'docs/plans/web-module/epic-01-c.md' });
    expect(sb.orchJson<TaskJson[]>('next').map((t) => t.id)).toEqual(['core/E01']);

    const start = sb.orch('start', '--wait');
    expect(start.status, start.stdout + start.stderr).toBe(0);
    expect(start.stdout).toContain('3 merged, 0 failed');

    const log = sb.git('log', '--format=%s', 'main');
    const subjects = log.trim().split('\n');
    // Merge commits in dependency order, each preceded by its "in progress" status commit.
    const merges = subjects.filter((s) => s.startsWith('feat('));
    expect(merges).toEqual(['feat(web): implement E01 - C', 'feat(core): implement E02 - B', 'feat(core): implement E01 - A']);
    expect(subjects.filter((s) => s.startsWith('chore(plan): start'))).toHaveLength(3);
    // The user's checkout (on main, clean) was fast-forwarded: files and README are there.
    expect(readFileSync(join(sb.repo, 'src/a.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(sb.repo, 'web/c.txt'), 'utf8')).toBe('c\n');
    const md = readFileSync(join(sb.repo, 'docs/plans/README.md'), 'utf8');
    expect(md.match(/🟢/g)).toHaveLength(3);
    expect(md).not.toContain('🔴');
    expect(sb.git('status', '--porcelain')).toBe('');
    // Trailers make merges recognisable after a crash; saved refs keep the agent's commits.
    expect(sb.git('log', '-1', '--format=%B', 'main')).toMatch(/Orch-Run: r\w+/);
    expect(sb.git('for-each-ref', '--format=%(refname)', 'refs/orch/saved').trim().split('\n')).toHaveLength(3);
    expect(sb.git('branch', '--list', 'feat/*').trim()).toBe('');
    const wtDir = join(sb.base, 'data', 'orch', 'worktrees');
    const left = existsSync(wtDir) ? readdirSync(wtDir).flatMap((d) => readdirSync(join(wtDir, d))) : [];
    expect(left).toEqual([]);

    const after = sb.orchJson<TaskJson[]>('list', '--status', 'complete');
    expect(after).toHaveLength(3);
    const status = sb.orchJson<{ counts: Record<string, number>; totals: { inputTokens: number; costUsd: number } }>('status');
    expect(status.counts.complete).toBe(3);
    expect(status.totals.inputTokens).toBe(3000);
    expect(status.totals.costUsd).toBeCloseTo(0.0369, 4);

    const logs = sb.orch('logs', 'core/E01');
    expect(logs.status).toBe(0);
    expect(logs.stdout).toContain('Done: wrote 1 files');
  });

  it('rejects an invalid plan atomically and names file and line', () => {
    sb = sandbox(plan());
    expect(sb.orch('sync').status).toBe(0);
    sb.write('docs/plans/web-module/epic-02-d.md', '---\ndepends_on: [core/E09]\n---\n# D\n\nNeeds a missing task.\n');
    sb.write('docs/plans/core-module/epic-01-a.md', '---\npriority: [high\n---\n# A renamed\n');
    const r = sb.orch('sync');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('docs/plans/web-module/epic-02-d.md:2');
    expect(r.stderr).toMatch(/core\/E09/);
    expect(r.stderr).toContain('docs/plans/core-module/epic-01-a.md:');
    expect(r.stderr).toContain('nothing was synced');
    const list = sb.orchJson<TaskJson[]>('list');
    expect(list.map((t) => t.id)).toEqual(['core/E01', 'core/E02', 'web/E01']);
    expect(list[0]?.title).toBe('A');
  });

  it('a failed agent marks the task failed, keeps its work, and does not start dependents', () => {
    sb = sandbox(plan({ 'docs/plans/core-module/epic-02-b.md': epic('B', 'Second thing. [[fake:fail]]', { 'src/b.txt': 'b' }) }));
    const r = sb.orch('start', '--wait');
    expect(r.status).toBe(1);
    const list = sb.orchJson<TaskJson[]>('list');
    expect(list.map((t) => [t.id, t.status])).toEqual([
      ['core/E01', 'complete'],
      ['core/E02', 'failed'],
      ['web/E01', 'not_started'],
    ]);
    const md = readFileSync(join(sb.repo, 'docs/plans/README.md'), 'utf8');
    expect(md).toMatch(/\[E02\].*🔴/);
    expect(md).toMatch(/failed/);
    expect(sb.git('for-each-ref', '--format=%(refname)', 'refs/orch/saved').trim().split('\n')).toHaveLength(2);
  });

  it('waits to merge while the user has uncommitted changes on the target checkout, then merges', async () => {
    sb = sandbox(plan());
    sb.write('README.md', 'my uncommitted edit\n');
    sb.git('add', 'README.md');
    sb.write('notes.txt', 'untracked note\n');
    const start = sb.orch('start', 'core/E01');
    expect(start.status, start.stderr).toBe(0);
    const s = sb!;
    const waiting = await until(() => {
      const st = s.orchJson<{ waiting: Array<{ taskId: string; reason: string }> }>('status');
      return st.waiting.find((w) => w.taskId === 'core/E01');
    }, 'the merge to wait');
    expect(waiting.reason).toMatch(/uncommitted changes/);
    expect(readFileSync(join(sb.repo, 'README.md'), 'utf8')).toBe('my uncommitted edit\n');
    expect(sb.git('diff', '--cached', '--name-only').trim()).toBe('README.md');
    expect(existsSync(join(sb.repo, 'src/a.txt'))).toBe(false);
    s.commitAll('my work');
    await until(() => s.orchJson<TaskJson[]>('list').find((t) => t.id === 'core/E01')?.status === 'complete', 'the merge');
    expect(readFileSync(join(sb.repo, 'src/a.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(sb.repo, 'notes.txt'), 'utf8')).toBe('untracked note\n');
  });

  it('kill -9 of the daemon mid-run: the next command recovers, ends the orphaned agent and resumes its session', async () => {
    sb = sandbox(plan(), { env: { FAKE_CLAUDE_HANG_UNLESS_RESUMED: '1' } });
    const s = sb;
    expect(s.orch('start', 'core/E01').status).toBe(0);
    await until(() => {
      const lines = existsSync(s.agentLog) ? readFileSync(s.agentLog, 'utf8').trim().split('\n').filter(Boolean) : [];
      return lines[0];
    }, 'the agent to start');
    const daemon = s.orchJson<{ pid: number }>('daemon', 'status');
    // The agent's pid as the host sees it (inside its sandbox it has a pid of its own namespace).
    const first = await until(() => {
      const r = s.orchJson<{ runs: Array<{ sessionId: string | null; pid: number | null }> }>('show', 'core/E01').runs[0];
      return r?.sessionId && r.pid ? { pid: r.pid } : undefined;
    }, 'the session id to be recorded');
    process.kill(daemon.pid, 'SIGKILL');
    await until(() => !isAlive(daemon.pid), 'the daemon to die');
    expect(isAlive(first.pid)).toBe(true); // the orphan is still running
    const st = s.orch('status');
    expect(st.status, st.stderr).toBe(0);
    await until(() => s.orchJson<TaskJson[]>('list').find((t) => t.id === 'core/E01')?.status === 'complete', 'the resumed run to merge');
    const calls = readFileSync(s.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { pid: number; resume: string | null; cwd: string });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.resume).toBeTruthy();
    expect(calls[1]?.cwd).toBe(calls[0]?.cwd);
    expect(isAlive(first.pid)).toBe(false);
    const shown = s.orchJson<{ runs: Array<{ state: string; sessionId: string }> }>('show', 'core/E01');
    expect(shown.runs).toHaveLength(1);
    expect(shown.runs[0]).toMatchObject({ state: 'done', sessionId: calls[1]?.resume });
    expect(s.git('log', '--format=%s', 'main').match(/implement E01 - A/g)).toHaveLength(1);
  });

  it('routes a risky change to a human: it waits in orch pr review until orch pr merge', async () => {
    sb = sandbox({
      'docs/plans/app-module/epic-01-login.md': epic('Login', 'Password login.', { 'src/auth/login.js': "export const check = (user, password) => bcrypt.compare(password, user.hash);" }),
      'docs/plans/docs-module/epic-01-usage.md': epic('Docs', 'A docs page.', { 'docs/usage.md': '# Usage' }),
    });
    const s = sb;
    const r = s.orch('start', '--wait');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/1 merged, 0 failed, 1 waiting for you/);
    const queue = s.orchJson<Array<{ taskId: string; decision: { category: string; reasons: Array<{ file: string; rule: string }> } }>>('pr', 'review');
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ taskId: 'app/E01', decision: { category: 'security' } });
    expect(queue[0]?.decision.reasons.some((x) => x.file === 'src/auth/login.js')).toBe(true);
    expect(s.orchJson<TaskJson[]>('list').find((t) => t.id === 'app/E01')?.status).toBe('needs_review');
    expect(s.git('log', '--format=%s', 'main')).not.toContain('implement E01 - Login');
    expect(s.orch('pr', 'merge', 'app/E01').status).toBe(0);
    await until(() => s.orchJson<TaskJson[]>('list').find((t) => t.id === 'app/E01')?.status === 'complete', 'the approved merge');
    expect(s.git('log', '--format=%s', 'main')).toContain('feat(app): implement E01 - Login');
    expect(s.orchJson<unknown[]>('pr', 'review')).toHaveLength(0);
  });

  it('a conflict with work merged meanwhile goes back to the agent, which resolves it, then merges', async () => {
    sb = sandbox({
      'docs/plans/a-module/epic-01-x.md': epic('X', 'x [[fake:slow=100]]', { 'shared.txt': 'from a' }),
      'docs/plans/b-module/epic-01-y.md': epic('Y', 'y [[fake:slow=1500]]', { 'shared.txt': 'from b' }),
    });
    const r = sb.orch('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('show', 'main:shared.txt')).toBe('resolved\n');
    const logs = sb.orch('logs', 'b/E01').stdout;
    expect(logs).toMatch(/conflicts with this branch in shared.txt; back to the agent/);
    expect(logs).toMatch(/rebasing feat\/b-E01 \(old head [0-9a-f]+ saved as refs\/orch\/saved\//);
    const calls = readFileSync(sb.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { resume: string | null; prompt: string });
    const conflictCall = calls.find((c) => c.prompt.includes('conflict marker'));
    expect(conflictCall?.resume).toBeTruthy();
    // The conflicting hunk itself is in the prompt: both sides of shared.txt.
    expect(conflictCall?.prompt).toMatch(/<<<<<<< [\s\S]*from a[\s\S]*=======[\s\S]*from b[\s\S]*>>>>>>> /);
    expect(sb.git('log', '--format=%s', 'main')).toContain('feat(b): implement E01 - Y');
  });

  it('meters tokens live while the agent works, then records the total the CLI reports', async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-slow.md': epic('Slow', 'slow [[fake:slow=4000]]', { 'slow.txt': 'done' }) });
    const s = sb;
    expect(s.orch('start', 'core/E01').status).toBe(0);
    type Shown = { runs: Array<{ state: string; usage: { inputTokens: number; outputTokens: number; costUsd: number } }> };
    const live = await until(() => {
      const run = s.orchJson<Shown>('show', 'core/E01').runs[0];
      return run?.state === 'running' && run.usage.outputTokens > 0 ? run : undefined;
    }, 'tokens while the agent runs', 20_000);
    expect(live.usage).toMatchObject({ inputTokens: 400, outputTokens: 40, costUsd: 0 });
    await until(() => s.orchJson<TaskJson[]>('list').find((t) => t.id === 'core/E01')?.status === 'complete', 'the merge');
    expect(s.orchJson<Shown>('show', 'core/E01').runs[0]?.usage).toMatchObject({ inputTokens: 1000, outputTokens: 200, costUsd: 0.0123 });
  });

  it('pause stops agents gracefully and keeps their sessions; resume continues the same session to merged', async () => {
    sb = sandbox(plan(), { env: { FAKE_CLAUDE_HANG_UNLESS_RESUMED: '1' } });
    const s = sb;
    expect(s.orch('start', 'core/E01').status).toBe(0);
    await until(() => s.orchJson<{ runs: Array<{ sessionId: string | null; state: string }> }>('show', 'core/E01').runs[0]?.sessionId, 'the session');
    const p = s.orch('pause');
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain('paused core/E01');
    const st = s.orchJson<{ paused: boolean; waiting: Array<{ taskId: string; reason: string }> }>('status');
    expect(st.paused).toBe(true);
    expect(st.waiting.find((w) => w.taskId === 'core/E01')?.reason).toMatch(/^paused/);
    // Paused means no new starts either.
    expect(s.orchJson<{ started: unknown[] }>('start', 'web/E01').started).toEqual([]);
    const r = s.orch('resume');
    expect(r.stdout).toContain('resumed core/E01');
    await until(() => s.orchJson<TaskJson[]>('list').find((t) => t.id === 'core/E01')?.status === 'complete', 'the resumed run to merge');
    const calls = readFileSync(s.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { resume: string | null; cwd: string });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.resume).toBeTruthy();
    expect(calls[1]?.cwd).toBe(calls[0]?.cwd);
  });
});
