import { RequestError, SLOT_STATES, StartRequest, type Batch, type StartResponse } from '../api/index.js';
import type { Emit } from './emit.js';
import type { RunRow, Store, TaskRow } from '../store/index.js';
import type { Runner } from './runner.js';
import type { RepoPort } from './ports.js';
import { branchFor, newBatchId, newRunId, STOPPED_NOTE, worktreeFor } from './names.js';
import { createReadyOrder } from './ready-order.js';
import { createMutex } from './mutex.js';
import { globsOverlap } from './overlap.js';
import { continuationFor } from './continue.js';

export interface SchedulerDeps {
  store: Store;
  runner: Runner;
  repo: RepoPort;
  worktreesDir: string;
  maxParallel: () => number;
  targetBranch: () => string;
  backendId: (task: TaskRow) => string;
  model: (task: TaskRow) => string | null;
  emit: Emit;
  /** The clock (batch deadlines); a fake one in tests. */
  now?: () => Date;
  /** Why a budget keeps the task from starting in this batch now, or undefined (O3). */
  budgetHold?: (task: TaskRow, batch: Batch) => string | undefined;
  /** Why the task's agent cannot start now (CLI missing, unknown agent), or undefined when it can. */
  agentProblem: (task: TaskRow) => Promise<string | undefined>;
  /** A live run that only a person moves on (a review, an answer, guidance): it does not keep its batch open. */
  waitsForPerson?: (run: RunRow) => boolean;
}

export { RequestError };


const heldByStop = (t: TaskRow): boolean => t.status === 'not_started' && (t.statusNote?.startsWith(STOPPED_NOTE) ?? false);

const inScope = (b: Batch, t: TaskRow): boolean =>
  b.scope.tasks.length > 0 ? b.scope.tasks.includes(t.id) : b.scope.module === undefined || t.module === b.scope.module;

export function createScheduler(d: SchedulerDeps) {
  const now = d.now ?? (() => new Date());
  const pastDeadline = (b: Batch): boolean => b.deadline !== null && now().getTime() >= Date.parse(b.deadline);
  const tickMutex = createMutex();
  let paused = false;
  /** Tasks held back by their agent, with why; they stay not_started and start once the agent is fixed. */
  const blocked = new Map<string, string>();
  /** G4: tasks held back because a live run's worktree already changes files they declare; the holder's task id. */
  const held = new Map<string, { reason: string; by: string }>();
  const readyOrder = createReadyOrder();

  function hold(t: TaskRow, reason: string, by: string): void {
    if (held.get(t.id)?.reason !== reason) d.emit('task.status', t.id, null, { status: t.status, held: reason, by });
    held.set(t.id, { reason, by });
  }

  /**
   * The first live run whose worktree changes a file `globs` can name (G4 on running diffs, not only on declared
   * touches). Each worktree's changes are read once per scheduling pass.
   */
  async function runningOverlap(globs: string[], active: RunRow[], cache: Map<string, Promise<string[]>>): Promise<{ run: RunRow; files: string[] } | undefined> {
    for (const r of active) {
      if (!r.baseSha) continue;
      let files = cache.get(r.id);
      if (!files) {
        files = d.repo.changedFiles(r.worktree, r.baseSha).catch(() => []);
        cache.set(r.id, files);
      }
      const hits = (await files).filter((f) => globsOverlap(globs, [f]));
      if (hits.length > 0) return { run: r, files: hits };
    }
    return undefined;
  }

  async function launch(task: TaskRow, batch: Batch): Promise<string> {
    const id = newRunId();
    let backend: string;
    let model: string | null;
    try {
      backend = d.backendId(task);
      model = d.model(task);
    } catch (e) {
      d.store.tasks.setStatus(task.id, 'failed', (e as Error).message);
      d.emit('task.status', task.id, null, { status: 'failed', error: (e as Error).message });
      return '';
    }
    // A stopped task continues from its branch and session; anything else gets a branch of its own.
    const cont = await continuationFor(d.store, d.repo, task, backend);
    const prior = cont && cont.from.targetBranch === d.targetBranch() ? cont : undefined;
    let finalBranch = prior?.branch;
    if (!finalBranch) {
      const taken = new Set(d.store.runs.forTask(task.id).map((r) => r.branch));
      const branch = branchFor(task.id, id, (name) => taken.has(name));
      finalBranch = (await d.repo.branchExists(branch)) ? `feat/${task.id.replace('/', '-')}-${id}` : branch;
    }
    d.store.runs.create({
      id,
      taskId: task.id,
      batchId: batch.id,
      attempt: prior?.attempt ?? 1,
      branch: finalBranch,
      worktree: prior?.worktree ?? worktreeFor(d.worktreesDir, id),
      targetBranch: d.targetBranch(),
      backend,
      model,
    });
    if (prior) d.store.runs.update(id, { baseSha: prior.baseSha, sessionId: prior.sessionId });
    d.store.batches.countStarted(batch.id);
    d.store.tasks.setStatus(task.id, 'in_progress');
    d.emit('task.status', task.id, id, { status: 'in_progress', ...(prior ? { continuesRun: prior.from.id, branch: prior.branch, resumesSession: prior.sessionId } : {}) });
    void d.runner.drive(id);
    return id;
  }

  /** Starts what fits now. Returns the runs started, per batch. */
  async function fill(): Promise<Array<{ taskId: string; runId: string; batchId: string }>> {
    const started: Array<{ taskId: string; runId: string; batchId: string }> = [];
    const active = d.store.runs.active();
    // Runs parked in merging without a driver (waiting on a dirty checkout) are retried on every tick.
    for (const r of active) if (!d.runner.isDriving(r.id)) void d.runner.drive(r.id);
    if (paused) return started;
    let free = d.maxParallel() - active.filter((r) => SLOT_STATES.has(r.state)).length;
    const batches = d.store.batches.active();
    if (batches.length === 0) return started;
    const busy = new Set(active.map((r) => r.taskId));
    const { byId, ready, ordered } = readyOrder(d.store.tasks.list(), busy);
    const changed = new Map<string, Promise<string[]>>();
    for (const id of held.keys()) if (!ready.has(id)) held.delete(id);
    for (const batch of batches) {
      // G6 max_duration: past its deadline a batch starts nothing new; its running work finishes (winds down).
      let left = pastDeadline(batch) ? 0 : batch.maxTasks === null ? Infinity : batch.maxTasks - batch.started;
      for (const t of ordered) {
        if (free <= 0 || left <= 0) break;
        if (busy.has(t.id) || !inScope(batch, t) || heldByStop(t)) continue;
        // G4: tasks that declare overlapping files never run at the same time.
        const mine = [...t.touches, ...t.conflictsWith];
        const clash = mine.length === 0 ? undefined : [...busy].find((id) => {
          const other = byId.get(id);
          return other !== undefined && globsOverlap(mine, [...other.touches, ...other.conflictsWith]);
        });
        if (clash) {
          hold(t, `held: its declared touches overlap those of ${clash}, which is running; starts when that run merges or ends`, clash);
          continue;
        }
        if (mine.length > 0) {
          const hit = await runningOverlap(mine, active, changed);
          if (hit) {
            const shown = hit.files.slice(0, 3).join(', ') + (hit.files.length > 3 ? ` and ${hit.files.length - 3} more` : '');
            hold(t, `held: ${hit.run.taskId} (run ${hit.run.id}) is changing ${shown}, which this task declares it touches; starts when that run merges or ends`, hit.run.taskId);
            continue;
          }
        }
        const over = d.budgetHold?.(t, batch);
        if (over) {
          hold(t, over, '');
          continue;
        }
        held.delete(t.id);
        const problem = await d.agentProblem(t);
        if (problem) {
          if (blocked.get(t.id) !== problem) d.emit('task.status', t.id, null, { status: t.status, blocked: problem });
          blocked.set(t.id, problem);
          continue;
        }
        blocked.delete(t.id);
        const runId = await launch(t, batch);
        busy.add(t.id);
        if (!runId) continue;
        started.push({ taskId: t.id, runId, batchId: batch.id });
        free--;
        left--;
      }
      finishIfDone(batch.id, ordered);
    }
    return started;
  }

  function finishIfDone(batchId: string, ordered: readonly TaskRow[]): void {
    const batch = d.store.batches.get(batchId);
    if (!batch || batch.state !== 'active') return;
    // Live while any run works on a task in scope, its own or one an earlier batch started. A run that waits for a
    // person does not keep it open: the batch finishes and its report counts that run as waiting for you.
    const working = (r: RunRow): boolean => r.state !== 'done' && r.state !== 'failed' && r.state !== 'stopped' && !(d.waitsForPerson?.(r) ?? false);
    const live =
      d.store.runs.forBatch(batchId).some(working) ||
      d.store.runs.active().some((r) => {
        const t = d.store.tasks.get(r.taskId);
        return t !== undefined && inScope(batch, t) && working(r);
      });
    if (live) return;
    const left = pastDeadline(batch) ? 0 : batch.maxTasks === null ? Infinity : batch.maxTasks - batch.started;
    const startable = left > 0 && ordered.some((t) => inScope(batch, t) && t.status === 'not_started' && !blocked.has(t.id) && !heldByStop(t));
    if (startable) return;
    d.store.batches.end(batchId, 'finished');
    d.emit('batch.finished', null, null, { batchId });
  }

  return {
    tick: () => tickMutex.run(fill),
    blocked: (): Array<{ taskId: string; reason: string }> => [
      ...[...blocked].map(([taskId, reason]) => ({ taskId, reason })),
      ...[...held].map(([taskId, h]) => ({ taskId, reason: h.reason })),
    ],
    /** The task whose live run holds `taskId` back (G4), if any. */
    heldBy: (taskId: string): string | undefined => held.get(taskId)?.by,
    setPaused(value: boolean): void {
      paused = value;
    },
    get paused(): boolean {
      return paused;
    },
    async start(body: unknown): Promise<StartResponse> {
      const parsed = StartRequest.safeParse(body);
      if (!parsed.success) throw new RequestError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const req = parsed.data;
      const tasks = d.store.tasks.list();
      const byId = new Map(tasks.map((t) => [t.id, t]));
      const skipped: StartResponse['skipped'] = [];
      const named: string[] = [];
      for (const raw of req.tasks) {
        const id = normalizeTaskId(raw);
        const t = byId.get(id);
        if (!t) {
          throw new RequestError('unknown_task', `unknown task "${raw}"; task ids look like billing/E01 (run \`orch list\` to see them, \`orch sync\` after editing the plan)`, 404);
        }
        if (t.removedAt) skipped.push({ taskId: id, reason: 'removed from the plan' });
        else if (t.status === 'complete') skipped.push({ taskId: id, reason: 'already complete' });
        else if (t.status === 'in_progress') skipped.push({ taskId: id, reason: 'already running' });
        else named.push(id);
        // An explicit start of a failed task is the retry.
        if (t.status === 'failed' && !t.removedAt) d.store.tasks.setStatus(id, 'not_started', 'retry requested');
      }
      if (req.module && !tasks.some((t) => t.module === req.module)) {
        const modules = [...new Set(tasks.map((t) => t.module))].join(', ');
        throw new RequestError('unknown_module', `unknown module "${req.module}"; modules in the plan: ${modules || '(none: run orch sync)'}`, 404);
      }
      if (req.tasks.length > 0 && named.length === 0) {
        const batch = d.store.batches.create(newBatchId(), { tasks: [], module: req.module }, 0);
        d.store.batches.end(batch.id, 'finished');
        return { batch: d.store.batches.get(batch.id) ?? batch, started: [], skipped };
      }
      for (const id of named) {
        const t = byId.get(id);
        const waits = t ? t.dependsOn.filter((dep) => byId.get(dep)?.status !== 'complete') : [];
        if (waits.length > 0) skipped.push({ taskId: id, reason: `waits for ${waits.join(', ')}; starts when they merge` });
      }
      const batch = d.store.batches.create(newBatchId(), { tasks: named, module: req.module }, req.count ?? null, { name: req.name, budgetUsd: req.budgetUsd, deadline: req.deadline });
      // This start covers tasks an earlier `orch stop` held back: they may start (and continue their stopped run).
      for (const t of tasks) if (heldByStop(t) && inScope(batch, t)) d.store.tasks.setStatus(t.id, 'not_started', 'start requested');
      d.emit('batch.started', null, null, { batchId: batch.id, scope: batch.scope, maxTasks: batch.maxTasks });
      const started = (await tickMutex.run(fill)).filter((s) => s.batchId === batch.id);
      for (const [taskId, reason] of [...blocked, ...[...held].map(([id, h]) => [id, h.reason] as const)]) {
        const t = byId.get(taskId);
        if (t && inScope(batch, t) && !skipped.some((s) => s.taskId === taskId)) skipped.push({ taskId, reason });
      }
      return { batch: d.store.batches.get(batch.id) ?? batch, started, skipped };
    },
    async stop(taskIds: string[]): Promise<{ stopped: string[] }> {
      const ids = new Set(taskIds.map(normalizeTaskId));
      const stopped: string[] = [];
      if (ids.size === 0) for (const b of d.store.batches.active()) d.store.batches.end(b.id, 'stopped');
      for (const run of d.store.runs.active()) {
        if (ids.size > 0 && !ids.has(run.taskId)) continue;
        if (run.state === 'merging' || run.state === 'cleanup') continue; // finished work is merged, not thrown away
        stopped.push(run.taskId);
        if (!(await d.runner.cancel(run.id, 'stop'))) await d.runner.stopIdle(run);
      }
      return { stopped };
    },
  };
}

/** Accepts `billing/E1`, `billing/e01`, `billing-module/E01` and returns the canonical `billing/E01`. */
export function normalizeTaskId(raw: string): string {
  const m = /^\s*([^/\s]+?)(?:-module)?\/e(\d+)\s*$/i.exec(raw);
  if (!m) return raw.trim();
  return `${m[1]}/E${m[2]!.replace(/^0+(?=\d)/, '').padStart(2, '0')}`;
}

export type Scheduler = ReturnType<typeof createScheduler>;
