import { dispatchOrder } from '../graph/index.js';
import type { Event, EventType, Run, Status, SyncResult, Task, TaskStatus } from '../api/index.js';
import type { ModuleInfo } from '../plans/index.js';
import type { Store, TaskRow } from '../store/index.js';
import type { Config } from '../config/index.js';
import { createRunner } from './runner.js';
import { createScheduler, normalizeTaskId, RequestError } from './scheduler.js';
import { createWriteback } from './writeback.js';
import { createMutex } from './mutex.js';
import { syncPlan } from './sync.js';
import { graphStatus, isReady, toRunView, toTaskView } from './views.js';
import type { BackendFor, ProcessPort, RepoPort } from './ports.js';

export interface EngineDeps {
  root: string;
  projectKey: string;
  logsDir: string;
  worktreesDir: string;
  config: Config;
  targetBranch: string;
  store: Store;
  repo: RepoPort;
  procs: ProcessPort;
  backendFor: BackendFor;
  log: (msg: string) => void;
  /** The user's orch config dir (for prompt overrides in <dir>/prompts). */
  userConfigDir: string;
}

export function createEngine(d: EngineDeps) {
  const listeners = new Set<(e: Event) => void>();
  let modules: ModuleInfo[] = [];
  let lastSync: Status['lastSync'] = null;
  const targetMutex = createMutex();
  const cfg = d.config;

  const emit = (type: EventType, taskId: string | null, runId: string | null, data: Record<string, unknown>, persist = true): void => {
    const e: Event = persist
      ? d.store.events.append(type, taskId, runId, data)
      : { seq: 0, ts: new Date().toISOString(), type, taskId, runId, data };
    for (const l of listeners) l(e);
  };

  const writeback = createWriteback({
    repo: d.repo,
    plansDir: cfg.plans_dir,
    readme: cfg.writeback.readme,
    epicMarker: cfg.writeback.epic_marker,
    modules: () => modules,
    targetMutex,
    log: d.log,
  });

  let scheduleSoon = (): void => undefined;
  const runner = createRunner({
    store: d.store,
    repo: d.repo,
    procs: d.procs,
    backendFor: d.backendFor,
    writeback,
    targetMutex,
    logsDir: d.logsDir,
    plansDir: cfg.plans_dir,
    readme: cfg.writeback.readme,
    epicMarker: cfg.writeback.epic_marker,
    commitTemplate: cfg.commit_template,
    agentTimeoutMs: cfg.agent.timeout_minutes * 60_000,
    modules: () => modules,
    templateDirs: { projectRoot: d.root, userConfigDir: d.userConfigDir },
    emit,
    onSettled: () => scheduleSoon(),
  });

  const scheduler = createScheduler({
    store: d.store,
    runner,
    repo: d.repo,
    worktreesDir: d.worktreesDir,
    maxParallel: cfg.max_parallel_agents,
    targetBranch: () => d.targetBranch,
    backendId: (t) => d.backendFor(t.agent).backendId,
    model: (t) => t.model ?? d.backendFor(t.agent).model,
    emit,
  });

  let timer: NodeJS.Timeout | undefined;
  let pending = false;
  scheduleSoon = () => {
    if (pending || stopping) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      scheduler.tick().catch((e: unknown) => d.log(`scheduler: ${String(e)}`));
    });
  };
  let stopping = false;

  const taskViews = (): Task[] => {
    const rows = d.store.tasks.list();
    const byId = new Map(rows.map((t) => [t.id, t]));
    return rows.map((t) => toTaskView(t, byId));
  };

  return {
    subscribe(fn: (e: Event) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    eventsSince: (seq: number) => d.store.events.since(seq),

    async sync(): Promise<SyncResult> {
      const { result, modules: mods } = await syncPlan(d.store, d.root, cfg.plans_dir);
      if (mods) modules = mods;
      lastSync = { at: new Date().toISOString(), ok: result.ok, issues: result.issues.length };
      emit('sync', null, null, { ok: result.ok, added: result.added.length, updated: result.updated.length, removed: result.removed, issues: result.issues.length });
      if (result.ok) scheduleSoon();
      return result;
    },

    list(filter: { status?: string; module?: string } = {}): Task[] {
      const statuses = filter.status?.split(',').map((s) => s.trim()).filter(Boolean);
      return taskViews().filter(
        (t) => (!statuses?.length || statuses.includes(t.status) || (statuses.includes('ready') && t.ready)) && (!filter.module || t.module === filter.module),
      );
    },

    next(filter: { module?: string } = {}): Task[] {
      const rows = d.store.tasks.list();
      const byId = new Map(rows.map((t) => [t.id, t]));
      const busy = new Set(d.store.runs.active().map((r) => r.taskId));
      const ready = rows.filter((t) => isReady(t, byId) && !busy.has(t.id) && (!filter.module || t.module === filter.module));
      const ordered = dispatchOrder(ready, rows, (id: string) => graphStatus(byId.get(id)?.status));
      return ordered.map((t) => toTaskView(t, byId));
    },

    task(id: string): { task: Task; runs: Run[] } {
      const norm = normalizeTaskId(id);
      const rows = d.store.tasks.list();
      const byId = new Map(rows.map((t) => [t.id, t]));
      const t = byId.get(norm);
      if (!t) throw new RequestError('unknown_task', `unknown task "${id}"; run \`orch list\` to see task ids`, 404);
      return { task: toTaskView(t, byId), runs: d.store.runs.forTask(norm).map(toRunView) };
    },

    run(id: string): Run | undefined {
      const r = d.store.runs.get(id);
      return r ? toRunView(r) : undefined;
    },

    batch(id: string) {
      const batch = d.store.batches.get(id);
      if (!batch) throw new RequestError('unknown_batch', `unknown batch ${id}`, 404);
      const runs = d.store.runs.forBatch(id).map(toRunView);
      const latest = new Map<string, Run>();
      for (const r of runs) latest.set(r.taskId, r);
      return {
        batch,
        runs,
        merged: [...latest.values()].filter((r) => r.state === 'done').map((r) => r.taskId),
        failed: [...latest.values()].filter((r) => r.state === 'failed' || r.state === 'stopped').map((r) => r.taskId),
        done: batch.state !== 'active',
      };
    },

    status(daemon: Status['daemon']): Status {
      const tasks = taskViews();
      const counts = { not_started: 0, in_progress: 0, complete: 0, failed: 0, needs_review: 0 } as Record<TaskStatus, number>;
      for (const t of tasks) if (!t.removed) counts[t.status]++;
      const active = d.store.runs.active().map(toRunView);
      return {
        project: { root: d.root, key: d.projectKey, targetBranch: d.targetBranch, plansDir: cfg.plans_dir },
        daemon,
        counts,
        ready: tasks.filter((t) => t.ready).length,
        maxParallel: cfg.max_parallel_agents,
        active,
        waiting: active.filter((r) => r.waitingReason).map((r) => ({ runId: r.id, taskId: r.taskId, reason: r.waitingReason ?? '' })),
        batches: d.store.batches.recent(5),
        totals: d.store.runs.totals(),
        lastSync,
      };
    },

    start: (body: unknown) => scheduler.start(body),
    stop: (tasks: string[]) => scheduler.stop(tasks),

    /** Startup: sync the plan, reconcile every unfinished run with reality, then keep scheduling. */
    async boot(): Promise<void> {
      await d.repo.clearStaleLocks();
      const res = await this.sync();
      if (!res.ok) d.log(`plan has ${res.issues.length} problem(s); runs continue, new tasks wait for a valid plan`);
      for (const run of d.store.runs.active()) void runner.drive(run.id);
      timer = setInterval(() => scheduleSoon(), 2000);
      timer.unref();
      scheduleSoon();
    },

    /** Ends every agent (their runs resume on the next start) and waits for drivers to settle. */
    async shutdown(): Promise<void> {
      stopping = true;
      if (timer) clearInterval(timer);
      emit('daemon.stopping', null, null, {});
      await Promise.all(d.store.runs.active().map((r) => runner.cancel(r.id, 'shutdown')));
      await Promise.race([runner.settleAll(), new Promise((r) => setTimeout(r, 4000))]);
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
