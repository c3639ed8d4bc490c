import Database from 'better-sqlite3';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/agents/index.js';
import { WebhookPayload } from '../../src/api/index.js';
import { createPaths } from '../../src/paths/index.js';
import { createStore } from '../../src/store/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { startReceiver, type Receiver } from '../notify-receiver.js';
import { showTask } from '../e2e/runs.js';

// Issue 10: a daemon killed -9 during a scheduled batch or at the budget line. After the restart nothing is lost,
// nothing runs or is counted twice, and no notification goes out twice (receivers drop repeats by X-Orch-Delivery,
// so "twice" is two deliveries of one kind). Kills at exact points use ORCH_FAULT_AT (the daemon SIGKILLs itself
// there); the rest are kill -9 from outside. Real daemon, real SQLite, real git, the fake agent CLI.

/** A cron that fired at the start of this minute (UTC) and fires next tomorrow. */
function cronOfThisMinute(): { cron: string; due: Date } {
  const now = new Date();
  const due = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { cron: `${due.getUTCMinutes()} ${due.getUTCHours()} * * *`, due };
}

interface Setup {
  sb: Sandbox;
  hook: Receiver;
  db: string;
  log: string;
}

async function setup(epics: Record<string, string>, batch: string): Promise<Setup> {
  const hook = await startReceiver();
  const sb = sandbox({ ...epics, '.orch/config.toml': 'max_parallel_agents = 1\n' });
  const { cron, due } = cronOfThisMinute();
  sb.write('.orch/schedule.toml', `[[batch]]\nname = "night"\ncron = "${cron}"\ntimezone = "UTC"\nmax_duration = "2h"\nnotify_on_complete = true\n${batch}`);
  // batch.finished reaches the webhook only through notify_on_complete: the schedule's link to its batch is what sends it.
  appendFileSync(join(sb.base, 'config', 'orch', 'config.toml'), `\n[notify]\nretries = 0\n\n[notify.webhook]\nurl = "${hook.url}/hook"\nevents = ["batch.missed", "budget.warning", "budget.exceeded"]\n`);
  const paths = createPaths(sb.env).project(sb.repo);
  // The schedule was first seen a minute before its time (what a daemon up since then would have written).
  const store = createStore(paths.dbFile);
  store.meta.set('schedule.last.night', new Date(due.getTime() - 60_000).toISOString());
  store.close();
  return { sb, hook, db: paths.dbFile, log: paths.daemonLog };
}

/** Starts the daemon with ORCH_FAULT_AT=point and waits until it killed itself there. */
async function killAt(s: Setup, point: string): Promise<void> {
  s.sb.env.ORCH_FAULT_AT = point;
  try {
    await s.sb.orchAsync('status');
    await until(() => existsSync(s.log) && readFileSync(s.log, 'utf8').includes(`fault injection: killed at ${point}`), `the daemon to die at ${point}`, 60_000);
    const pid = Number(readFileSync(`${createPaths(s.sb.env).project(s.sb.repo).lockFile}.pid`, 'utf8'));
    await until(() => !isAlive(pid), 'the killed daemon to be gone', 20_000);
  } finally {
    delete s.sb.env.ORCH_FAULT_AT;
  }
}

function events(s: Setup): Array<{ type: string; data: Record<string, unknown> }> {
  const db = new Database(s.db, { readonly: true });
  try {
    return (db.prepare('SELECT type, data FROM events ORDER BY seq').all() as Array<{ type: string; data: string }>).map((e) => ({ type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

/** Deliveries by kind, each delivery id once (a repeat of one delivery is allowed: at least once). */
function delivered(s: Setup): Record<string, number> {
  const seen = new Map<string, string>();
  for (const r of s.hook.received) seen.set(String(r.headers['x-orch-delivery']), WebhookPayload.parse(JSON.parse(r.body)).kind);
  const out: Record<string, number> = {};
  for (const kind of seen.values()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

const agentCalls = (sb: Sandbox): Array<{ prompt: string; resume: string | null }> =>
  existsSync(sb.agentLog) ? readFileSync(sb.agentLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { prompt: string; resume: string | null }) : [];

/** How many commits on main brought each task's file (1 each: merged once). */
const mergedOnce = (sb: Sandbox): number[] => ['src/a.txt', 'src/b.txt'].map((f) => sb.git('log', '--format=%H', 'main', '--', f).trim().split('\n').filter(Boolean).length);

const TWO = {
  'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/a.txt': 'alpha' }),
  'docs/plans/core-module/epic-02-b.md': epic('Beta', 'b [[fake:slow=3000]]', { 'src/b.txt': 'beta' }),
};

async function finishedOnce(s: Setup): Promise<void> {
  await until(async () => (await showTask(s.sb, 'core/E02')).task.status === 'complete' && (await showTask(s.sb, 'core/E01')).task.status === 'complete', 'both tasks merged', 90_000);
  await until(() => delivered(s)['batch.finished'], 'batch.finished at the webhook (notify_on_complete)', 30_000);
  const ev = events(s);
  const batches = ev.filter((e) => e.type === 'batch.started');
  expect(batches).toHaveLength(1);
  expect(ev.filter((e) => e.type === 'batch.missed')).toEqual([]);
  expect(ev.filter((e) => e.type === 'task.status' && e.data.status === 'complete')).toHaveLength(2);
  // One coder turn per task: nothing ran twice.
  expect(agentCalls(s.sb)).toHaveLength(2);
  expect(mergedOnce(s.sb)).toEqual([1, 1]);
  // Its one batch.finished, not one per daemon; nothing else for this batch.
  expect(delivered(s)).toEqual({ 'batch.finished': 1 });
}

describe('chaos: a scheduled batch killed -9 at each step, and at the budget line', () => {
  const setups: Setup[] = [];
  afterAll(async () => {
    for (const s of setups) {
      s.sb.cleanup();
      await s.hook.close();
    }
  });

  it('killed after the start was decided, before the batch existed: the restart starts it, once', { timeout: 180_000 }, async () => {
    const s = await setup(TWO, 'module = "core"\n');
    setups.push(s);
    await killAt(s, 'schedule.intent');
    expect(events(s).filter((e) => e.type === 'batch.started')).toEqual([]);
    const back = await s.sb.orchAsync('status');
    expect(back.status, back.stderr).toBe(0);
    await finishedOnce(s);
    expect(readFileSync(s.log, 'utf8')).toMatch(/scheduled batch night of \S+ was about to start when the daemon stopped; starting it now/);
  });

  it('killed there and down past the window: one batch.missed, delivered once, nothing started', { timeout: 180_000 }, async () => {
    const s = await setup(TWO, 'module = "core"\n');
    setups.push(s);
    await killAt(s, 'schedule.intent');
    // Down for three hours (the batch's window is two): the intent is dated back as if the kill had been then.
    const store = createStore(s.db);
    const intent = JSON.parse(store.meta.get('schedule.intent.night') ?? '{}') as { due: string; at: string };
    const back = (iso: string): string => new Date(new Date(iso).getTime() - 3 * 3_600_000).toISOString();
    store.meta.set('schedule.intent.night', JSON.stringify({ ...intent, due: back(intent.due), at: back(intent.at) }));
    store.close();
    expect((await s.sb.orchAsync('status')).status).toBe(0);
    await until(() => delivered(s)['batch.missed'], 'batch.missed at the webhook', 30_000);
    const missed = events(s).filter((e) => e.type === 'batch.missed');
    expect(missed).toHaveLength(1);
    expect(missed[0]?.data.reason).toMatch(/the daemon stopped as it was starting it .* past the batch's 120 min window/);
    // Another kill and start: said once, and nothing ran.
    const pid = s.sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid;
    process.kill(pid, 'SIGKILL');
    await until(() => !isAlive(pid), 'the daemon to die', 20_000);
    expect((await s.sb.orchAsync('status')).status).toBe(0);
    expect(events(s).filter((e) => e.type === 'batch.missed')).toHaveLength(1);
    expect(events(s).filter((e) => e.type === 'batch.started')).toEqual([]);
    expect(agentCalls(s.sb)).toEqual([]);
    expect(delivered(s)).toEqual({ 'batch.missed': 1 });
  });

  it('killed after the batch started, before it was linked to its schedule: kept, not started again, still reported', { timeout: 180_000 }, async () => {
    const s = await setup(TWO, 'module = "core"\n');
    setups.push(s);
    await killAt(s, 'schedule.started');
    expect(events(s).filter((e) => e.type === 'batch.started')).toHaveLength(1);
    const back = await s.sb.orchAsync('status');
    expect(back.status, back.stderr).toBe(0);
    await finishedOnce(s);
    expect(readFileSync(s.log, 'utf8')).toMatch(/scheduled batch night of \S+ had started as \S+ before the daemon stopped; kept/);
  });

  it('killed -9 while the batch runs an agent: it resumes, each task merges once, one batch.finished', { timeout: 180_000 }, async () => {
    const s = await setup(TWO, 'module = "core"\n');
    setups.push(s);
    expect((await s.sb.orchAsync('status')).status).toBe(0);
    await until(async () => (await showTask(s.sb, 'core/E02')).runs[0]?.state === 'running' && agentCalls(s.sb).length === 2, 'core/E02 running its agent', 60_000);
    const pid = s.sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid;
    process.kill(pid, 'SIGKILL');
    await until(() => !isAlive(pid), 'the daemon to die', 20_000);
    expect((await s.sb.orchAsync('status')).status).toBe(0);
    await until(async () => (await showTask(s.sb, 'core/E02')).task.status === 'complete', 'core/E02 merged after the restart', 90_000);
    await until(() => delivered(s)['batch.finished'], 'batch.finished at the webhook', 30_000);
    const ev = events(s);
    expect(ev.filter((e) => e.type === 'batch.started')).toHaveLength(1);
    expect(ev.filter((e) => e.type === 'batch.missed')).toEqual([]);
    expect(mergedOnce(s.sb)).toEqual([1, 1]);
    expect(delivered(s)).toEqual({ 'batch.finished': 1 });
  });

  it('killed just after budget.exceeded was recorded: the run stays paused, spend counted once, one notification, a raise finishes', { timeout: 180_000 }, async () => {
    // One fake turn costs $0.0123: the first one crosses the batch's $0.01.
    const s = await setup(TWO, 'tasks = ["core/E01", "core/E02"]\nbudget_usd = 0.01\n');
    setups.push(s);
    await killAt(s, 'budget.exceeded');
    expect(events(s).filter((e) => e.type === 'budget.exceeded')).toHaveLength(1);
    expect((await s.sb.orchAsync('status')).status).toBe(0);
    const paused = await until(async () => {
      const r = (await showTask(s.sb, 'core/E01')).runs[0];
      return r?.state === 'waiting' && r.waitingReason?.startsWith('paused by budget') ? r : undefined;
    }, 'core/E01 paused by the batch budget after the restart');
    await until(() => delivered(s)['budget.exceeded'], 'budget.exceeded at the webhook', 30_000);
    const line = () => (JSON.parse(s.sb.orch('budget', '--json').stdout) as { lines: Array<{ key: string; spent: number }> }).lines.find((l) => l.key === 'batch_usd');
    expect(line()?.spent).toBeCloseTo(0.0123, 6);
    expect((await showTask(s.sb, 'core/E02')).runs).toHaveLength(0);
    // Another restart changes nothing: no second event, no second delivery, no second turn.
    const pid = s.sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid;
    process.kill(pid, 'SIGKILL');
    await until(() => !isAlive(pid), 'the daemon to die', 20_000);
    expect((await s.sb.orchAsync('resume')).status).toBe(0);
    expect((await showTask(s.sb, 'core/E01')).runs[0]).toMatchObject({ id: paused.id, state: 'waiting' });
    expect(line()?.spent).toBeCloseTo(0.0123, 6);
    const turns = agentCalls(s.sb).length;
    expect(turns, JSON.stringify(agentCalls(s.sb).map((c) => [c.resume, c.prompt.slice(0, 80)]))).toBe(1);
    expect(s.sb.orch('budget', 'raise', 'batch_usd', '1').status).toBe(0);
    await until(async () => (await showTask(s.sb, 'core/E02')).task.status === 'complete' && (await showTask(s.sb, 'core/E01')).task.status === 'complete', 'both merged after the raise', 90_000);
    await until(() => delivered(s)['batch.finished'], 'batch.finished at the webhook', 30_000);
    expect(events(s).filter((e) => e.type === 'budget.exceeded')).toHaveLength(1);
    expect(events(s).filter((e) => e.type === 'batch.started')).toHaveLength(1);
    expect(mergedOnce(s.sb)).toEqual([1, 1]);
    expect(delivered(s)).toEqual({ 'budget.exceeded': 1, 'batch.finished': 1 });
  });
});
