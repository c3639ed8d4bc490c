import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

interface Shown {
  task: { status: string; waitingFor: string[] };
  runs: Array<{ worktree: string; state: string }>;
}

describe('G4: tasks whose files overlap are not run at the same time', () => {
  it('a task that declares files a running worktree is already changing is held with the reason, then starts after it', async () => {
    sb = sandbox({
      // a/E01 declares nothing, but its running diff touches src/shared/.
      'docs/plans/a-module/epic-01-x.md': epic('X', 'x [[fake:linger=15000]]', { 'src/shared/x.ts': 'export const x = 1;' }),
      'docs/plans/b-module/epic-01-y.md': epic('Y', 'y', { 'src/shared/y.ts': 'export const y = 2;' }, 'touches: ["src/shared/**"]'),
      // Control: declared files nobody is changing start at once.
      'docs/plans/c-module/epic-01-z.md': epic('Z', 'z', { 'lib/z.ts': 'export const z = 3;' }, 'touches: ["lib/**"]'),
    });
    const s = sb;
    expect(s.orch('start', 'a/E01').status).toBe(0);
    await until(() => {
      const run = s.orchJson<Shown>('show', 'a/E01').runs[0];
      return run && run.state === 'running' && existsSync(join(run.worktree, 'src/shared/x.ts'));
    }, 'a/E01 running with its diff in src/shared');

    const r = s.orchJson<{ started: Array<{ taskId: string }>; skipped: Array<{ taskId: string; reason: string }> }>('start', 'b/E01', 'c/E01');
    expect(r.started.map((x) => x.taskId)).toEqual(['c/E01']);
    const reason = r.skipped.find((x) => x.taskId === 'b/E01')?.reason ?? '';
    expect(reason).toMatch(/^held: a\/E01 \(run r\w+\) is changing src\/shared\/x\.ts, which this task declares it touches/);
    const st = s.orchJson<{ waiting: Array<{ taskId: string; reason: string }> }>('status');
    expect(st.waiting.find((w) => w.taskId === 'b/E01')?.reason).toBe(reason);
    const b = s.orchJson<Shown>('show', 'b/E01');
    expect(b.task.status).toBe('not_started');
    expect(b.task.waitingFor).toEqual(['a/E01']);
    expect(b.runs).toEqual([]);

    await until(() => s.orchJson<Shown>('show', 'b/E01').task.status === 'complete', 'b/E01 to run after a/E01 and merge', 90_000);
    expect(s.orchJson<Shown>('show', 'a/E01').task.status).toBe('complete');
    // b's agent started only once a's run had finished: its only call comes after a's in the agent log.
    const calls = readFileSync(s.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { prompt: string });
    const order = calls.map((c) => (c.prompt.includes('src/shared/x.ts') ? 'a' : c.prompt.includes('src/shared/y.ts') ? 'b' : 'c'));
    expect(order.indexOf('b')).toBeGreaterThan(order.indexOf('a'));
    expect(order.filter((x) => x === 'b')).toHaveLength(1);
    expect(s.git('show', 'main:src/shared/y.ts')).toBe('export const y = 2;\n');
  });
});
