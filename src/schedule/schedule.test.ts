import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StartRequest } from '../api/index.js';
import { createStore } from '../store/index.js';
import { parseDuration, readScheduleText } from './file.js';
import { createBatchSchedule } from './service.js';

function setup(toml: string, startFails?: string, o: { fault?: string; dir?: string } = {}) {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'orch-schedule-'));
  const file = join(dir, 'schedule.toml');
  writeFileSync(file, toml);
  const store = createStore(join(dir, 'orch.db'));
  let clock = new Date('2026-12-03T10:00:00Z');
  const starts: StartRequest[] = [];
  const logs: string[] = [];
  const missed: string[] = [];
  let n = store.batches.recent(100).length;
  const s = createBatchSchedule({
    store,
    files: () => [file],
    timezone: 'Europe/Berlin',
    now: () => clock,
    start: async (req) => {
      if (startFails) throw new Error(startFails);
      starts.push(req);
      // The batch row, as the engine's start writes it: what a restarted daemon finds.
      return { batch: store.batches.create(`b${++n}`, { tasks: [] }, null, { ...(req.name ? { name: req.name } : {}) }) };
    },
    log: (m) => logs.push(m),
    missed: (name, due, reason) => missed.push(`${name} ${due.toISOString()}: ${reason}`),
    // A kill -9 at that point: nothing after it runs (the test restarts on the same database).
    ...(o.fault ? { fault: (p: string) => {
      if (p === o.fault) throw new Error(`killed at ${p}`);
    } } : {}),
  });
  return { s, starts, logs, missed, store, dir, at: (iso: string) => (clock = new Date(iso)) };
}

const NIGHTLY = '[[batch]]\nname = "nightly"\ncron = "0 2 * * *"\nmax_tasks = 3\nmax_duration = "4h"\nmodule = "billing"\nbudget_usd = 20\nnotify_on_complete = true\n';

describe('cron batches (fake clock)', () => {
  it('runs at the cron time in the project time zone, once, with its limits and a deadline', async () => {
    const t = setup(NIGHTLY);
    expect(await t.s.tick()).toEqual([]);
    // 02:00 in Berlin is 01:00 UTC in December.
    expect(t.s.list().batches[0]?.next).toBe('2026-12-04T01:00:00.000Z');
    t.at('2026-12-04T00:59:00Z');
    expect(await t.s.tick()).toEqual([]);
    t.at('2026-12-04T01:00:30Z');
    expect(await t.s.tick()).toEqual(['b1']);
    expect(await t.s.tick()).toEqual([]);
    expect(t.starts[0]).toEqual({ tasks: [], module: 'billing', count: 3, name: 'schedule nightly', budgetUsd: 20, deadline: '2026-12-04T05:00:00.000Z' });
    expect(t.s.scheduleOf('b1')?.name).toBe('nightly');
    expect(t.s.list().batches[0]?.next).toBe('2026-12-05T01:00:00.000Z');
  });

  it('a time missed while the daemon was down runs once on start if still inside its window, else is skipped', async () => {
    const t = setup(NIGHTLY);
    await t.s.tick();
    // Down from Dec 3 to Dec 6, 03:30 Berlin: three nights missed, the last one still inside its 4 h window.
    t.at('2026-12-06T02:30:00Z');
    expect(await t.s.tick()).toEqual(['b1']);
    expect(await t.s.tick()).toEqual([]);
    expect(t.starts[0]?.deadline).toBe('2026-12-06T05:00:00.000Z');
    // Down again past the window: skipped, said in the log, and it does not run late.
    t.at('2026-12-07T07:00:00Z');
    expect(await t.s.tick()).toEqual([]);
    expect(t.logs.at(-1)).toMatch(/nightly of 2026-12-07T01:00:00.000Z was missed/);
    expect(t.starts).toHaveLength(1);
    // Told to people (batch.missed), once: the next tick does not say it again.
    expect(t.missed).toEqual(['nightly 2026-12-07T01:00:00.000Z: the daemon was down from before 2026-12-07T01:00:00.000Z until 2026-12-07T07:00:00.000Z, past the batch\'s 240 min window; next at 2026-12-08T01:00:00.000Z']);
    expect(await t.s.tick()).toEqual([]);
    expect(t.missed).toHaveLength(1);
  });

  it('a batch that cannot start when its time comes is said once (batch.missed), with the reason', async () => {
    const t = setup(NIGHTLY, 'the plan has 2 problems; orch sync shows them');
    await t.s.tick();
    t.at('2026-12-04T01:00:30Z');
    expect(await t.s.tick()).toEqual([]);
    expect(await t.s.tick()).toEqual([]);
    expect(t.missed).toEqual(['nightly 2026-12-04T01:00:00.000Z: it could not start: the plan has 2 problems; orch sync shows them']);
  });

  it('a clock that jumps back does not run a batch twice', async () => {
    const t = setup(NIGHTLY);
    await t.s.tick();
    t.at('2026-12-04T01:00:30Z');
    expect(await t.s.tick()).toEqual(['b1']);
    t.at('2026-12-04T00:30:00Z');
    expect(await t.s.tick()).toEqual([]);
    t.at('2026-12-04T01:01:00Z');
    expect(await t.s.tick()).toEqual([]);
  });

  it('a daemon killed after deciding a start and before the batch exists starts it on restart, once, inside its window', async () => {
    const a = setup(NIGHTLY, undefined, { fault: 'schedule.intent' });
    await a.s.tick();
    a.at('2026-12-04T01:00:30Z');
    await a.s.tick().catch(() => undefined);
    expect(a.store.batches.named('schedule nightly')).toEqual([]);
    expect(a.store.meta.get('schedule.intent.nightly')).toMatch(/"due":"2026-12-04T01:00:00.000Z"/);
    a.store.close();
    // Back 40 minutes later (window 4 h): it starts now, with its deadline from the cron time, and is linked.
    const b = setup(NIGHTLY, undefined, { dir: a.dir });
    b.at('2026-12-04T01:40:00Z');
    expect(await b.s.tick()).toEqual(['b1']);
    expect(b.starts[0]?.deadline).toBe('2026-12-04T05:00:00.000Z');
    expect(b.s.scheduleOf('b1')?.name).toBe('nightly');
    expect(b.store.meta.get('schedule.intent.nightly')).toBeUndefined();
    expect(b.logs.join('\n')).toMatch(/nightly of 2026-12-04T01:00:00.000Z was about to start when the daemon stopped; starting it now/);
    expect(await b.s.tick()).toEqual([]);
    expect(b.missed).toEqual([]);
    expect(b.store.batches.named('schedule nightly')).toHaveLength(1);
  });

  it('killed there and back past the window: one batch.missed, nothing started, the next night runs', async () => {
    const a = setup(NIGHTLY, undefined, { fault: 'schedule.intent' });
    await a.s.tick();
    a.at('2026-12-04T01:00:30Z');
    await a.s.tick().catch(() => undefined);
    a.store.close();
    const b = setup(NIGHTLY, undefined, { dir: a.dir });
    b.at('2026-12-04T09:00:00Z');
    expect(await b.s.tick()).toEqual([]);
    expect(await b.s.tick()).toEqual([]);
    expect(b.missed).toEqual([expect.stringMatching(/^nightly 2026-12-04T01:00:00.000Z: the daemon stopped as it was starting it \(2026-12-04T01:00:30.000Z\) and was back at 2026-12-04T09:00:00.000Z, past the batch's 240 min window$/)]);
    expect(b.starts).toEqual([]);
    b.at('2026-12-05T01:00:10Z');
    expect(await b.s.tick()).toEqual(['b1']);
    expect(b.missed).toHaveLength(1);
  });

  it('killed after the batch started and before it was linked: the batch is kept and linked, not started again', async () => {
    const a = setup(NIGHTLY, undefined, { fault: 'schedule.started' });
    await a.s.tick();
    a.at('2026-12-04T01:00:30Z');
    await a.s.tick().catch(() => undefined);
    expect(a.store.batches.named('schedule nightly')).toHaveLength(1);
    expect(a.s.scheduleOf('b1')).toBeUndefined();
    a.store.close();
    const b = setup(NIGHTLY, undefined, { dir: a.dir });
    b.at('2026-12-04T01:02:00Z');
    expect(await b.s.tick()).toEqual([]);
    expect(b.starts).toEqual([]);
    expect(b.missed).toEqual([]);
    // notify_on_complete still reaches the channels for it.
    expect(b.s.scheduleOf('b1')?.notifyOnComplete).toBe(true);
    expect(b.logs.join('\n')).toMatch(/had started as b1 before the daemon stopped; kept/);
  });

  it('orch batch run NAME starts one now', async () => {
    const t = setup(NIGHTLY);
    expect(await t.s.runNow('nightly')).toBe('b1');
    expect(t.starts[0]?.deadline).toBe('2026-12-03T14:00:00.000Z');
    expect(await t.s.runNow('nope')).toBeUndefined();
  });

  it('reports a bad schedule.toml with file, line, key and fix, and runs none of it', async () => {
    const text = '[[batch]]\nname = "a"\ncron = "0 2 * *"\n\n[[batch]]\nname = "b"\ncron = "0 3 * * *"\nmax_duration = "soon"\nmax_taks = 2\n';
    const { batches, problems } = readScheduleText(text, '.orch/schedule.toml', 'UTC');
    expect(batches).toEqual([]);
    expect(problems.map((p) => `${p.file}:${p.line} ${p.key}`)).toEqual(['.orch/schedule.toml:3 cron', '.orch/schedule.toml:9 max_taks']);
    expect(problems[1]?.fix).toMatch(/known keys: name, cron, max_tasks/);
    expect(problems[0]?.fix).toMatch(/0 2 \* \* \*/);
    const dur = readScheduleText('[[batch]]\nname = "b"\ncron = "0 3 * * *"\nmax_duration = "soon"\n', 's.toml', 'UTC').problems;
    expect(dur.map((p) => `${p.line} ${p.message}`)).toEqual(['4 max_duration: got "soon", expected a duration']);
    const t = setup(text);
    expect(await t.s.tick()).toEqual([]);
    expect(t.logs.join('\n')).toMatch(/schedule\.toml:9: unknown key `max_taks`/);
  });

  it('reads durations', () => {
    expect(parseDuration('4h')).toBe(240);
    expect(parseDuration('1h30m')).toBe(90);
    expect(parseDuration('2d')).toBe(2880);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('0m')).toBeUndefined();
  });
});
