import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import type { ReviewQueueEntry } from './runs.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

describe('local mode: a conflict the agent cannot resolve goes to a person (W7)', () => {
  it('the agent fails on the rebase conflict: flagged with the reason, rebase kept in progress, saved ref; the person resolves and merges', async () => {
    sb = sandbox({
      'docs/plans/a-module/epic-01-x.md': epic('X', 'x [[fake:slow=100]]', { 'shared.txt': 'from a' }),
      'docs/plans/b-module/epic-01-y.md': epic('Y', 'y [[fake:slow=1500]] [[fake:failconflict]]', { 'shared.txt': 'from b' }),
    });
    const s = sb;
    // --wait returns once only a person can move things on; exit 1 because not everything merged.
    const r = s.orch('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/b\/E01/);
    expect(s.git('show', 'main:shared.txt')).toBe('from a\n');
    const q = await until(() => s.orchJson<ReviewQueueEntry[]>('pr', 'review').find((x) => x.taskId === 'b/E01'), 'b/E01 flagged for a person');
    expect(q.decision.flagged).toBe(true);
    expect(q.decision.reasons[0]).toMatchObject({ rule: 'conflict/unresolved', file: 'shared.txt' });
    const st = s.orchJson<{ waiting: Array<{ taskId: string; reason: string }> }>('status');
    expect(st.waiting.find((w) => w.taskId === 'b/E01')?.reason).toMatch(/^rebase onto main conflicts in shared.txt; .*orch pr merge b\/E01/);
    const logs = s.orch('logs', 'b/E01').stdout;
    expect(logs).toMatch(/agent failed on the conflict: .*max turns/i);
    const shown = s.orchJson<{ runs: Array<{ worktree: string; savedRef: string | null; state: string }> }>('show', 'b/E01');
    const run = shown.runs[0];
    expect(run?.state).toBe('waiting');
    // The branch's own commit is kept under the saved ref, and nothing with markers was committed.
    expect(run?.savedRef).toMatch(/^refs\/orch\/saved\//);
    expect(s.git('show', `${run?.savedRef ?? ''}:shared.txt`)).toBe('from b\n');
    expect(s.git('log', '--format=%s', 'main')).not.toContain('implement E01 - Y');
    const wt = run?.worktree ?? '';
    expect(readFileSync(join(wt, 'shared.txt'), 'utf8')).toMatch(/^<<<<<<< [\s\S]*from a[\s\S]*from b[\s\S]*>>>>>>> /);

    writeFileSync(join(wt, 'shared.txt'), 'from a and b\n');
    expect(s.orch('pr', 'merge', 'b/E01').status).toBe(0);
    await until(() => s.orchJson<Array<{ id: string; status: string }>>('list').find((t) => t.id === 'b/E01')?.status === 'complete', 'the merge after the person resolved it');
    expect(s.git('show', 'main:shared.txt')).toBe('from a and b\n');
    expect(s.git('log', '--format=%s', 'main')).toContain('feat(b): implement E01 - Y');
  });
});
