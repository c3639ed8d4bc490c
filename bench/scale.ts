/**
 * Scale (issue 12): 20,000 epics in 200 modules. The CLI as a user runs it: the first `orch sync` (starts the
 * daemon, which syncs every epic), `orch sync` with nothing changed (target < 3 s), `orch next --json` and
 * `orch list --json` (reported), the daemon's RSS (reported). Then the scheduler's pass on that store, in this
 * process: an active batch over every task, every agent slot taken, so each pass orders the whole ready set and
 * starts nothing (target < 10 ms).
 *
 *   node dist/bench/scale.js [modules=200] [epics-per-module=100]
 */
import { readFileSync } from 'node:fs';
import { benchProject, samples } from './lib/project.js';
import { finish, limitRow, row, type Row } from './lib/result.js';
import { createStore } from '../src/store/index.js';
import { createScheduler } from '../src/engine/scheduler.js';
import { createPaths } from '../src/paths/index.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const modules = Number(positional[0] ?? 200);
const perModule = Number(positional[1] ?? 100);

const p = await benchProject(modules, perModule, 'orch-scale-');
const rows: Row[] = [];
const notes: string[] = [`plan: ${p.plan.tasks} epics in ${p.plan.modules.length} modules`];
try {
  const first = p.orch('sync');
  rows.push(row(`first orch sync (starts the daemon, syncs ${p.plan.tasks})`, 'ms', [first.ms], { detail: first.stdout.trim() }));
  rows.push(limitRow('orch sync (nothing changed)', 'ms', samples(3, () => p.orch('sync').ms, 0), 3000));
  rows.push(row('orch next --json', 'ms', samples(3, () => p.orch('next', '--json').ms, 0)));
  rows.push(row('orch list --json', 'ms', samples(3, () => p.orch('list', '--json').ms, 0)));
  const pid = p.daemonPid();
  const status = pid ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const mb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  rows.push(row('daemon RSS after these', 'MB', [mb('VmRSS')], { detail: `peak ${mb('VmHWM').toFixed(0)} MB` }));
  p.orch('daemon', 'stop');

  // The scheduler's pass on the synced store: nothing can start (no free slot), everything is ordered.
  const store = createStore(createPaths(p.env).project(p.repo).dbFile);
  store.batches.create('bench-batch', { tasks: [] }, null);
  const noop = (): void => undefined;
  const scheduler = createScheduler({
    store,
    runner: { isDriving: () => true, drive: noop } as unknown as Parameters<typeof createScheduler>[0]['runner'],
    repo: {} as Parameters<typeof createScheduler>[0]['repo'],
    worktreesDir: p.base,
    maxParallel: () => 0,
    targetBranch: () => 'main',
    backendId: () => 'claude',
    model: () => null,
    emit: noop as unknown as Parameters<typeof createScheduler>[0]['emit'],
    agentProblem: async () => undefined,
  });
  const passes: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await scheduler.tick();
    if (i > 0) passes.push(performance.now() - t0);
  }
  rows.push(limitRow(`scheduler pass, ${store.tasks.list().length} tasks, batch over all, no free slot`, 'ms', passes, 10));
  store.close();
} finally {
  p.cleanup();
}

finish({ name: 'scale', title: `Scale: ${modules * perModule} epics in ${modules} modules`, command: `node dist/bench/scale.js ${modules} ${perModule}`, rows, notes });
