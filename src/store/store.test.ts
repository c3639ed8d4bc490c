import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlanTask } from '../plans/index.js';
import { createStore } from './index.js';

const task = (id: string, over: Partial<PlanTask> = {}): PlanTask => {
  const [module = 'm', e = 'E01'] = id.split('/');
  return {
    id,
    module,
    epic: Number(e.slice(1)),
    title: `T ${id}`,
    description: '',
    file: `docs/plans/${module}-module/epic-${e.slice(1)}-x.md`,
    body: `# T ${id}\n`,
    priority: 'medium',
    dependsOn: [],
    dependencySources: [],
    needsReview: false,
    touches: [],
    conflictsWith: [],
    ...over,
  };
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const open = () => {
  dir ??= mkdtempSync(join(tmpdir(), 'orch-store-'));
  return createStore(join(dir, 'orch.db'));
};

describe('store', () => {
  it('syncs adds, updates and removals in one transaction and keeps run status across syncs', () => {
    const s = open();
    expect(s.tasks.sync([task('a/E01'), task('a/E02', { dependsOn: ['a/E01'] })], () => false)).toEqual({ added: ['a/E01', 'a/E02'], updated: [], removed: [] });
    s.tasks.setStatus('a/E01', 'complete');
    const out = s.tasks.sync([task('a/E01', { title: 'renamed' }), task('b/E01')], () => false);
    expect(out).toEqual({ added: ['b/E01'], updated: ['a/E01'], removed: ['a/E02'] });
    expect(s.tasks.get('a/E01')).toMatchObject({ title: 'renamed', status: 'complete' });
    expect(s.tasks.get('a/E02')?.removedAt).not.toBeNull();
    // A task that comes back is live again.
    s.tasks.sync([task('a/E01'), task('a/E02'), task('b/E01')], () => false);
    expect(s.tasks.get('a/E02')?.removedAt).toBeNull();
    s.close();
  });

  it('the plan can mark a task complete; an active run keeps it in progress', () => {
    const s = open();
    s.tasks.sync([task('a/E01', { planStatus: 'complete' }), task('a/E02')], (id) => id === 'a/E02');
    expect(s.tasks.get('a/E01')?.status).toBe('complete');
    expect(s.tasks.get('a/E02')?.status).toBe('in_progress');
    // Merged, its run still cleaning up, the plan in this checkout still 🔴 (the 🟢 went to the forge): complete stays.
    s.tasks.setStatus('a/E02', 'complete');
    s.tasks.sync([task('a/E01', { planStatus: 'complete' }), task('a/E02')], (id) => id === 'a/E02');
    s.tasks.sync([task('a/E01', { planStatus: 'complete' }), task('a/E02')], () => false);
    expect(s.tasks.get('a/E02')?.status).toBe('complete');
    s.close();
  });

  it('the same plan again onto unchanged rows changes nothing, and a write or a new live run is still seen', () => {
    const s = open();
    const plan = [task('a/E01'), task('a/E02')];
    expect(s.tasks.sync(plan, () => false).added).toEqual(['a/E01', 'a/E02']);
    const rows = s.tasks.list();
    expect(s.tasks.sync(plan, () => false)).toEqual({ added: [], updated: [], removed: [] });
    expect(s.tasks.list()).toBe(rows);
    // A run started meanwhile: the same plan puts its task in progress.
    s.tasks.sync(plan, (id) => id === 'a/E02');
    expect(s.tasks.get('a/E02')?.status).toBe('in_progress');
    // A status written meanwhile (the run failed and its task went back): the same plan keeps what was written.
    s.tasks.setStatus('a/E02', 'failed');
    expect(s.tasks.sync(plan, () => false)).toEqual({ added: [], updated: [], removed: [] });
    expect(s.tasks.get('a/E02')?.status).toBe('failed');
    // An equal plan in another array is compared row by row, as before.
    expect(s.tasks.sync([task('a/E01')], () => false).removed).toEqual(['a/E02']);
    s.close();
  });

  it('persists across reopen (WAL, migrations applied once) and records runs and events', () => {
    let s = open();
    s.tasks.sync([task('a/E01')], () => false);
    s.runs.create({ id: 'r1', taskId: 'a/E01', batchId: null, attempt: 1, branch: 'feat/a-E01', worktree: '/w/r1', targetBranch: 'main', backend: 'claude', model: null });
    s.runs.update('r1', { state: 'running', sessionId: 'sess', inputTokens: 10, costUsd: 0.5 });
    s.events.append('run.state', 'a/E01', 'r1', { from: 'queued', to: 'running', error: null });
    s.close();
    s = open();
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.runs.get('r1')).toMatchObject({ state: 'running', sessionId: 'sess', inputTokens: 10, costUsd: 0.5 });
    expect(s.runs.active().map((r) => r.id)).toEqual(['r1']);
    expect(s.events.since(0)).toHaveLength(1);
    expect(s.runs.totals()).toMatchObject({ inputTokens: 10, costUsd: 0.5 });
    expect(() => s.runs.create({ id: 'r2', taskId: 'nope/E01', batchId: null, attempt: 1, branch: 'b', worktree: 'w', targetBranch: 'main', backend: 'claude', model: null })).toThrow(/FOREIGN KEY/);
    s.close();
  });

  it('keeps the newest events_kept events: older ones go at open and as new ones come; seqs are never given again', () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-store-'));
    const file = join(dir, 'orch.db');
    let s = createStore(file);
    for (let i = 0; i < 1200; i++) s.events.append('sync', null, null, { ok: true, added: i, updated: 0, removed: [], issues: 0 });
    s.close();
    s = createStore(file, { eventsKept: 300 });
    expect([s.events.oldest(), s.events.latest()]).toEqual([901, 1200]);
    for (let i = 0; i < 500; i++) s.events.append('sync', null, null, { ok: true, added: i, updated: 0, removed: [], issues: 0 });
    // Pruned every 500 appends: the newest 300 again.
    expect([s.events.oldest(), s.events.latest()]).toEqual([1401, 1700]);
    expect(s.events.since(0, 1000).map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => 1401 + i));
    s.close();
  });
});
