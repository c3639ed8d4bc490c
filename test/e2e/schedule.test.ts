import { existsSync, readFileSync } from 'node:fs';
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

  it('an idle daemon with a [[batch]] to run stays up for it (daemon.idle_minutes stops only one with nothing scheduled)', async () => {
    const sb = sandbox({
      'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/a.txt': 'alpha' }),
      '.orch/config.toml': '[daemon]\nidle_minutes = 0.02\n\n[agent]\npass_env = ["FAKE_CLAUDE_*"]\n',
      '.orch/schedule.toml': '[[batch]]\nname = "nightly"\ncron = "0 2 * * *"\nmodule = "core"\n',
    });
    boxes.push(sb);
    expect(sb.orch('list').status).toBe(0);
    const status = sb.orchJson<{ pid: number; log: string }>('daemon', 'status');
    // Watched from outside: asking the daemon would keep it busy.
    await until(() => existsSync(status.log) && /idle for 0\.02 min, staying up for the scheduled batch nightly at \d{4}-/.test(readFileSync(status.log, 'utf8')), 'the idle daemon to say it stays for the batch', 30_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${existsSync(status.log) ? readFileSync(status.log, 'utf8') : 'no log at ' + status.log}`);
    });
    expect(readFileSync(`/proc/${status.pid}/stat`, 'utf8').split(' ')[2]).not.toBe('Z');
    expect(readFileSync(status.log, 'utf8')).not.toMatch(/stopping \(daemon\.idle_minutes\)/);
  });

  it('a bad schedule.toml is reported with file, line, key and fix', async () => {
    const sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/a.txt': 'alpha' }), '.orch/schedule.toml': '[[batch]]\nname = "nightly"\ncron = "every night"\n' });
    boxes.push(sb);
    const r = await sb.orchAsync('batch', 'list');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\.orch\/schedule\.toml:3: cron: "every night" is not a cron expression: .*Fix: write a five-field cron expression/);
  });
});
