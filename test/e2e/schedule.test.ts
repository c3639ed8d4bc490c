import { afterAll, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { showTask } from './runs.js';

describe('scheduled batches', () => {
  const boxes: Sandbox[] = [];
  afterAll(() => {
    for (const b of boxes) b.cleanup();
  });

  it('orch batch list shows the next run, orch batch run starts one now, orch daemon status names the next batch', async () => {
    const sb = sandbox({
      'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/a.txt': 'alpha' }),
      '.orch/schedule.toml': '[[batch]]\nname = "nightly"\ncron = "0 2 * * *"\ntimezone = "Europe/Berlin"\nmax_tasks = 2\nmax_duration = "4h"\nmodule = "core"\n',
    });
    boxes.push(sb);
    const list = JSON.parse((await sb.orchAsync('batch', 'list', '--json')).stdout) as { batches: Array<{ name: string; next: string; timezone: string; maxTasks: number }> };
    expect(list.batches[0]).toMatchObject({ name: 'nightly', timezone: 'Europe/Berlin', maxTasks: 2 });
    const next = new Date(list.batches[0]!.next);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(next)).toBe('02:00');
    expect((await sb.orchAsync('batch', 'list')).stdout).toMatch(/nightly\s+0 2 \* \* \* Europe\/Berlin\s+\d{4}-\d{2}-\d{2} 02:00/);
    expect((await sb.orchAsync('daemon', 'status')).stdout).toMatch(/next batch: nightly at /);
    const run = await sb.orchAsync('batch', 'run', 'nightly');
    expect(run.status, run.stderr).toBe(0);
    await until(async () => (await showTask(sb, 'core/E01')).task.status === 'complete', 'the scheduled batch merged core/E01');
    const status = JSON.parse((await sb.orchAsync('status', '--json')).stdout) as { batches: Array<{ name: string | null; deadline: string | null; maxTasks: number | null }> };
    expect(status.batches.find((b) => b.name === 'schedule nightly')).toMatchObject({ maxTasks: 2 });
    const unknown = await sb.orchAsync('batch', 'run', 'weekly');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no \[\[batch\]\] named "weekly"/);
  });

  it('a bad schedule.toml is reported with file, line, key and fix', async () => {
    const sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/a.txt': 'alpha' }), '.orch/schedule.toml': '[[batch]]\nname = "nightly"\ncron = "every night"\n' });
    boxes.push(sb);
    const r = await sb.orchAsync('batch', 'list');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.orch\/schedule\.toml:3: cron: "every night" is not a cron expression: .*Fix: write a five-field cron expression/);
  });
});
