import type { Emit } from './emit.js';
import { MaintainRequest, makeEvent, type Event, type EventData, type Run, type Status, type SyncResult, type TaskStatus, plural } from '../api/index.js';
import type { DependencySource, ModuleInfo } from '../plans/index.js';
import type { RunRow } from '../store/index.js';
import { createCircuitBreaker, createStuckDetector } from '../resilience/index.js';
import { agentNames, type Config } from '../config/index.js';
import { createRunner } from './runner.js';
import { createReportView } from './report-view.js';
import { createBatchSchedule } from '../schedule/index.js';
import { createBudgetGuard } from './budget-guard.js';
import { createScheduler, RequestError } from './scheduler.js';
import { createWriteback } from './writeback.js';
import { createMutex } from './mutex.js';
import { createUnseenChanges, syncSources } from './sync.js';
import { targetCheckoutWarning } from './checkout.js';
import { afterSync } from './sync-report.js';
import { createMarkdownSource, createProgressReporter, type TaskProgress } from '../sources/index.js';
import { maintenanceTask } from './maintenance.js';
import { createPlanner } from './planner.js';
import { tmpdir } from 'node:os';
import { reapOrphans } from './orphans.js';
import { toRunView } from './views.js';
import { createAnswers } from './answers.js';
import { createReviewDesk } from './review-desk.js';
import { configReload } from './config-reload.js';
import { createTaskQueries } from './task-queries.js';
import { batchView } from './batch-view.js';
import { loadDaily } from './daily-batch.js';
import { createAgentCheck } from './agent-check.js';
import { createResumePrompts } from './resume-prompts.js';
import { createResync } from './resync.js';
import { housekeeping } from './housekeeping.js';
import { createPauseControl } from './pause-control.js';
import { runDiff } from './diff-view.js';
import type { EngineDeps } from './engine-deps.js';
import { reviewerAgent, waitsForAPerson, workflowAgent } from './role-agents.js';

export type { EngineDeps } from './engine-deps.js';

export function createEngine(d: EngineDeps) {
  const listeners = new Set<(e: Event) => void>();
  const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 60_000 });
  const stuck = createStuckDetector({ idleMs: d.config.agent.stuck_minutes * 60_000 });
  let modules: ModuleInfo[] = [];
  let lastSync: Status['lastSync'] = null;
  const targetMutex = createMutex();
  let cfg = d.config;
  const sources = d.sources ?? [createMarkdownSource({ root: d.root, plansDir: cfg.plans_dir, agents: agentNames(cfg) })];
  const progress = createProgressReporter(sources, d.log);
  const resync = createResync(() => engine.sync(), d.log, () => stopping);
  for (const s of sources) s.watch?.(() => resync());
  /** Until a command asks for work, a daemon started by a read-only command serves reads and resumes no agent. */
  let passive = false;
  /** Where each task's dependencies came from (implicit, frontmatter, prose), from the last sync. */
  let depSources = new Map<string, DependencySource[]>();
  /** Changes of syncs nobody saw (the one at start, a source that changed by itself), told by the next `orch sync`. */
  const unseen = createUnseenChanges(d.store);

  const emit: Emit = (type, taskId, runId, data, persist = true) => {
    if (type === 'run.usage' && runId) guard.usageMoved(runId);
    if (!persist && listeners.size === 0) return;
    const e = persist ? d.store.events.append(type, taskId, runId, data) : makeEvent(0, new Date().toISOString(), type, taskId, runId, data);
    for (const l of listeners) l(e as Event);
    if (persist) d.observe?.(e as Event);
    if (type === 'task.status' && taskId) reportProgress(taskId, runId, data as EventData<'task.status'>);
  };

  const reportProgress = (taskId: string, runId: string | null, data: EventData<'task.status'>): void => {
    // Scheduler notes (held, blocked) repeat the current status; they are no progress.
    if (data.held !== undefined || data.blocked !== undefined) return;
    const run = runId ? d.store.runs.get(runId) : undefined;
    const p: TaskProgress = { taskId, status: data.status };
    const note = data.error ?? data.note;
    if (note) p.note = note;
    if (run?.prUrl) p.prUrl = run.prUrl;
    const merge = data.mergeCommit ?? run?.mergeCommit;
    if (merge) p.mergeCommit = merge;
    void progress.report(p);
  };

  const writeback = createWriteback({
    repo: d.repo,
    plansDir: cfg.plans_dir,
    readme: cfg.writeback.readme,
    epicMarker: cfg.writeback.epic_marker,
    modules: () => modules,
    targetMutex,
    log: d.log,
    sources,
  });

  let scheduleSoon = (): void => undefined;
  /** A start says when merges into the target will wait for the user's checkout (local mode: a forge merges remotely). */
  const withCheckoutWarning = async <T extends object>(res: T): Promise<T & { warnings?: string[] }> => {
    const w = d.forge ? undefined : await targetCheckoutWarning(d.repo, d.targetBranch, cfg.plans_dir).catch(() => undefined);
    return w ? { ...res, warnings: [w] } : res;
  };
  const guard = createBudgetGuard({ store: d.store, config: () => cfg, now: d.now ?? (() => new Date()), emit, runner: () => runner, log: d.log, scheduleSoon: () => scheduleSoon(), resumePrompt: (taskId) => prompts.budget(taskId), ...(d.fault ? { fault: d.fault } : {}) });
  const runner = createRunner({
    store: d.store,
    repo: d.repo,
    procs: d.procs,
    backendFor: d.backendFor,
    writeback,
    targetMutex,
    logsDir: d.logsDir,
    daemonLog: d.log,
    ...(d.redact ? { redact: d.redact } : {}),
    plansDir: cfg.plans_dir,
    readme: cfg.writeback.readme,
    epicMarker: cfg.writeback.epic_marker,
    sources,
    statusCommits: cfg.plan.status_commits,
    commitTemplate: cfg.commit_template,
    agentTimeoutMs: cfg.agent.timeout_minutes * 60_000,
    modules: () => modules,
    templateDirs: { projectRoot: d.root, userConfigDir: d.userConfigDir },
    ...(d.lessons ? { lessons: d.lessons } : {}),
    mcpFor: d.mcpFor,
    containFor: d.containFor,
    guardFor: d.guardFor,
    turnHold: (run) => guard.holdsTurn(run),
    review: cfg.review,
    forge: d.forge,
    verify: d.verify,
    reviewerAgent: reviewerAgent(cfg, d.reviewerFor),
    workflow: cfg.workflow,
    workflowAgent: (role) => workflowAgent(cfg, role, role === 'reviewer' ? (d.reviewerFor ?? d.backendFor) : d.backendFor),
    ...(cfg.commands.test.length ? { testCommand: cfg.commands.test.join(' ') } : {}),
    forgeCfg: cfg.forge,
    maxRetries: cfg.agent.max_retries,
    maxTestFailures: cfg.agent.max_test_failures,
    stuckMs: cfg.agent.stuck_minutes * 60_000,
    onActivity: (runId, ended) => (ended ? stuck.forget(runId) : stuck.touch(runId)),
    onTurnEnd: (backendId, verdict) => {
      if (verdict.kind === 'retry' || (verdict.kind === 'fail' && verdict.transient)) breaker.recordFailure(backendId);
      else breaker.recordSuccess(backendId);
    },
    emit,
    onSettled: () => scheduleSoon(),
    undeliveredAnswer: (signals) => answers.undelivered(signals),
  });
  const dirs = { projectRoot: d.root, userConfigDir: d.userConfigDir };
  const prompts = createResumePrompts({ store: d.store, dirs, targetBranch: d.targetBranch });
  const answers = createAnswers({ store: d.store, emit, runner: () => runner, answerPrompt: prompts.answer, toPlanner: (sig) => planner.answer(sig) });
  const reviews = createReviewDesk({ store: d.store, runner: () => runner });

  const planner = createPlanner({
    store: d.store,
    // The planner reads text another agent chose: read-only tools, inside the sandbox, in an empty directory.
    backendFor: d.reviewerFor ?? d.backendFor,
    containFor: d.containFor,
    agentName: cfg.roles.planner,
    modules: () => modules,
    templateDirs: dirs,
    targetBranch: d.targetBranch,
    timeoutMs: Math.min(cfg.agent.timeout_minutes, 10) * 60_000,
    scratchDir: tmpdir(),
    note: (runId, msg) => runner.note(runId, msg),
    hold: (runId) => {
      const run = d.store.runs.get(runId);
      return run ? guard.holdsTurn(run) : undefined;
    },
    charge: (runId, usage, costUsd) => runner.charge(runId, usage, costUsd),
    answer: (id, text, by) => {
      try {
        answers.answerQuestion(id, text, by);
      } catch (e) {
        // A human answered first: theirs stands.
        d.log(`planner answer to ${id} not used: ${(e as Error).message}`);
      }
    },
    // Whoever waits on the run (orch start --wait) looks again: it may now wait for a person.
    // O4: a question the planner leaves to a person reaches people like any other (notified as question.waiting).
    escalated: (sig, why) => emit('run.question', sig.taskId, sig.runId, { signal: { ...sig, audience: 'human', text: `${sig.text}\n(${why})` } }),
    settled: (sig) => {
      const run = d.store.runs.get(sig.runId);
      if (run?.state === 'waiting') emit('run.waiting', run.taskId, run.id, { reason: run.waitingReason ?? '' });
    },
  });

  const waitsForPerson = (r: RunRow): boolean => waitsForAPerson(r, planner.busyFor);
  const scheduler = createScheduler({
    store: d.store,
    runner,
    repo: d.repo,
    worktreesDir: d.worktreesDir,
    maxParallel: () => cfg.max_parallel_agents,
    targetBranch: () => d.targetBranch,
    backendId: (t) => d.backendFor(t.agent).backendId,
    model: (t) => t.model ?? d.backendFor(t.agent).model,
    emit,
    budgetHold: (t, batch) => guard.blocks(t.id, batch.id),
    now: d.now,
    waitsForPerson: (r) => waitsForPerson(r),
    agentProblem: createAgentCheck(d.backendFor, breaker),
  });
  const schedule = createBatchSchedule({
    store: d.store,
    files: () => d.scheduleFiles ?? [],
    timezone: cfg.timezone,
    now: d.now ?? (() => new Date()),
    start: async (req) => engine.start(req),
    log: d.log,
    missed: (name, due, reason) => emit('batch.missed', null, null, { name, due: due.toISOString(), reason }),
    ...(d.fault ? { fault: d.fault } : {}),
  });
  let scheduleTimer: NodeJS.Timeout | undefined;

  let timer: NodeJS.Timeout | undefined;
  let pending = false;
  scheduleSoon = () => {
    if (pending || stopping || passive) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      scheduler.tick().catch((e: unknown) => d.log(`scheduler: ${String(e)}`));
    });
  };
  let stopping = false;

  const pauses = createPauseControl({ store: d.store, scheduler, runner, emit, knownTasks: (ids) => queries.knownTasks(ids), budgetBlocks: (t, b) => guard.blocks(t, b), scheduleSoon: () => scheduleSoon() });
  const queries = createTaskQueries({ store: d.store, heldBy: (id) => scheduler.heldBy(id), depSources: () => depSources, workflow: () => cfg.workflow });

  const engine = {
    subscribe(fn: (e: Event) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    eventsSince: (seq: number, limit?: number) => d.store.events.since(seq, limit),
    /** Clients following the event stream (a `start --wait`, the TUI): a daemon they watch is not idle. */
    subscribers: (): number => listeners.size,

    /**
     * Reads the plan. Only `seen: true` (`orch sync`) reports to a person: the changes of every other sync (the
     * daemon's own at start, a source that changed by itself) are kept, in the store, for the next `orch sync`, so
     * it counts what changed since the last sync the user saw.
     */
    async sync(o: { seen?: boolean; fix?: boolean } = {}): Promise<SyncResult> {
      const { result: fresh, modules: mods, depSources: deps } = await syncSources(d.store, sources);
      if (mods) modules = mods;
      if (deps) depSources = deps;
      const result = await afterSync(
        {
          store: d.store,
          repo: d.repo,
          runner,
          unseen,
          markdown: sources.some((s) => s.kind === 'markdown'),
          statusTable: cfg.writeback.readme && !d.forge,
          plansDir: cfg.plans_dir,
          target: d.targetBranch,
          targetMutex,
          modules,
          log: d.log,
          fix: o.fix === true,
        },
        fresh,
        o.seen === true,
      );
      lastSync = { at: new Date().toISOString(), ok: result.ok, issues: result.issues.length };
      emit('sync', null, null, { ok: result.ok, added: result.added.length, updated: result.updated.length, removed: result.removed, issues: result.issues.length });
      if (result.ok) scheduleSoon();
      return result;
    },

    list: queries.list,
    next: queries.next,
    task: queries.task,

    run(id: string): Run | undefined {
      const r = d.store.runs.get(id);
      return r ? toRunView(r) : undefined;
    },
    /** The newest `limit` runs of every task, newest first. */
    recentRuns(limit: number): Run[] {
      return d.store.runs.recent(limit).map((r) => toRunView(r));
    },
    /** Where a live run's project commands run: its worktree and its start commit (whose config names them). */
    commandPlace(id: string): { worktree: string; baseSha: string | null } | undefined {
      const r = d.store.runs.get(id);
      return r && r.state !== 'done' && r.state !== 'failed' && r.state !== 'stopped' ? { worktree: r.worktree, baseSha: r.baseSha } : undefined;
    },
    /** A line of Orch's own in a run's log (a worker's command output, for one). */
    note(runId: string, line: string): void {
      runner.note(runId, line);
    },
    /** A run's change, parsed (the web page's diff view). */
    async diff(runId: string) {
      const r = d.store.runs.get(runId);
      if (!r) throw new RequestError('unknown_run', `unknown run ${runId}`, 404);
      return runDiff(d.repo, r, d.redact);
    },
    /** Aggregates for the history page. */
    history: (days: number) => d.store.history.history(days),

    batch: (id: string) => batchView(d.store, id, (runId) => planner.busyFor(runId)),

    status(daemon: Status['daemon']): Status {
      const tasks = queries.taskViews();
      const counts = { not_started: 0, in_progress: 0, complete: 0, failed: 0, needs_review: 0 } as Record<TaskStatus, number>;
      for (const t of tasks) if (!t.removed) counts[t.status]++;
      const active = d.store.runs.active().map((r) => ({ ...toRunView(r), activity: runner.activity(r.id) }));
      return {
        project: { root: d.root, key: d.projectKey, targetBranch: d.targetBranch, plansDir: cfg.plans_dir },
        daemon,
        counts,
        ready: tasks.filter((t) => t.ready).length,
        maxParallel: cfg.max_parallel_agents,
        paused: scheduler.paused,
        active,
        waiting: [
          ...active.filter((r) => r.waitingReason).map((r) => ({ runId: r.id, taskId: r.taskId, reason: r.waitingReason ?? '' })),
          ...scheduler.blocked().map((b) => ({ runId: null, taskId: b.taskId, reason: b.reason })),
        ],
        batches: d.store.batches.recent(5),
        totals: d.store.runs.totals(),
        today: d.store.runs.since(new Date(new Date().setHours(0, 0, 0, 0)).toISOString()),
        lastSync,
        lastSeq: d.store.events.latest(),
        firstSeq: d.store.events.oldest(),
      };
    },

    async start(body: unknown) {
      if (d.forge) {
        const pre = await d.forge.preflight();
        if (!pre.ok) throw new RequestError('forge_not_ready', `${pre.problem}. Fix: ${pre.fix}. Nothing was started.`, 412);
      }
      const daily = (body as { daily?: unknown } | null)?.daily;
      return withCheckoutWarning(await scheduler.start(typeof daily === 'string' ? { ...(body as object), ...loadDaily(d.store, d.root, daily) } : body));
    },
    forgeReady: () => d.forge?.preflight(),

    /** `orch maintain`: writes the maintenance task (re-armed when it ran before) and starts it like any task. */
    async maintain(body: unknown) {
      const req = MaintainRequest.safeParse(body);
      if (!req.success) throw new RequestError('bad_request', req.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const t = maintenanceTask(req.data, { modules, dirs, targetBranch: d.targetBranch });
      const existing = d.store.tasks.get(t.id);
      if (existing?.status === 'in_progress' || d.store.runs.active().some((r) => r.taskId === t.id)) {
        throw new RequestError('already_running', `${t.id} is already running; \`orch logs ${t.id}\` follows it, \`orch stop ${t.id}\` stops it`, 409);
      }
      if (!d.store.tasks.putMaintenance(t)) throw new RequestError('id_taken', `${t.id} is a task of the plan, not a maintenance task`, 409);
      emit('task.status', t.id, null, { status: 'not_started', maintenance: req.data.kind });
      return this.start({ tasks: [t.id] });
    },

    signal: answers.signal,
    getSignal: answers.getSignal,
    questions: answers.questions,
    answer: answers.answer,
    reviewQueue: reviews.reviewQueue,
    approve: reviews.approve,
    pause: pauses.pause,
    resumeAll: pauses.resumeAll,
    resume: pauses.resume,
    /** `orch budget`: every budget that applies now, with spend. */
    budget: () => guard.budget.status(),
    /** `orch report [DATE|--batch ID]` (O5): written to .orch/reports/ and returned. */
    report: createReportView({ store: d.store, root: d.root, timezone: () => cfg.timezone, budgets: () => guard.budget.status().lines, waitsForPerson, now: d.now ?? (() => new Date()) }),
    raiseBudget: (key: string, value: string) => ({ ...guard.raise(key, value), ...guard.budget.status() }),
    get paused(): boolean {
      return scheduler.paused;
    },
    stop: (tasks: string[]) => {
      queries.knownTasks(tasks);
      return scheduler.stop(tasks);
    },

    /** A read-only command's daemon: serve reads, resume no agent and start nothing until `activate()`. */
    setPassive(v: boolean): void {
      passive = v;
    },
    get passive(): boolean {
      return passive;
    },
    /** A command asked for work: recover every unfinished run and schedule again. */
    activate(): void {
      if (!passive) return;
      passive = false;
      for (const run of d.store.runs.active()) if (!runner.isDriving(run.id)) void runner.drive(run.id);
      scheduleSoon();
    },
    /** Nothing running, waiting or scheduled: an idle daemon may exit. */
    idle(): boolean {
      return d.store.runs.active().length === 0 && d.store.batches.active().length === 0;
    },
    /** Settings that can change under a running daemon (limits); the rest is reported as needing a restart. */
    reload(next: Config): { applied: string[]; restart: string[] } {
      const { applied, restart, config } = configReload(cfg, next);
      if (applied.length > 0) {
        cfg = config;
        scheduleSoon();
      }
      return { applied, restart };
    },
    get config(): Config {
      return cfg;
    },

    /** Startup: sync the plan, reconcile every unfinished run with reality, then keep scheduling. */
    async boot(): Promise<void> {
      if (d.store.meta.get('paused') === '1') scheduler.setPaused(true);
      // PERF: git checks Orch's own worktrees (two git processes) while this process reads the plan; neither touches
      // what the other does (issue 12: the first command of a fresh project).
      const worktrees = (async () => {
        await d.repo.clearStaleLocks();
        await reapOrphans({ repo: d.repo, store: d.store, worktreesDir: d.worktreesDir, log: d.log, emit });
      })();
      const [, res] = await Promise.all([worktrees, this.sync({ seen: false })]);
      if (!res.ok) d.log(`plan has ${plural(res.issues.length, 'problem')}; runs continue, new tasks wait for a valid plan`);
      if (passive) {
        const waiting = d.store.runs.active().length;
        if (waiting > 0) d.log(`started for a read-only command: ${plural(waiting, 'unfinished run')} resume when a command asks for work (orch start, resume, ...)`);
      } else for (const run of d.store.runs.active()) void runner.drive(run.id);
      const chores = { store: d.store, runner, stuck, emit, now: d.now ?? (() => new Date()), plannerBusy: (runId: string) => planner.busyFor(runId), questionTimeout: () => cfg.agent.question_timeout };
      timer = setInterval(() => {
        scheduleSoon();
        housekeeping(chores);
      }, 2000);
      timer.unref();
      scheduleSoon();
      // G6: cron batches; a time that came while the daemon was down is caught up here, once, inside its window.
      const tickSchedule = (): void => void schedule.tick().catch((e: unknown) => d.log(`schedule: ${String(e)}`));
      tickSchedule();
      scheduleTimer = setInterval(tickSchedule, 30_000);
      scheduleTimer.unref();
    },
    /** `orch batch list`: scheduled batches with their next run, and any problem of schedule.toml. */
    schedules: () => schedule.list(),
    /** `orch batch run NAME`. */
    async runSchedule(name: string): Promise<{ batchId: string }> {
      const id = await schedule.runNow(name);
      if (!id) throw new RequestError('unknown_batch', `no [[batch]] named "${name}" in schedule.toml; \`orch batch list\` lists them`, 404);
      return { batchId: id };
    },
    scheduleOf: (batchId: string) => schedule.scheduleOf(batchId),

    /** Ends every agent (their runs resume on the next start) and waits for drivers to settle. */
    async shutdown(): Promise<{ ended: string[] }> {
      stopping = true;
      const ended = d.store.runs.active().filter((r) => runner.hasAgent(r.id)).map((r) => r.taskId);
      if (timer) clearInterval(timer);
      if (scheduleTimer) clearInterval(scheduleTimer);
      try {
        emit('daemon.stopping', null, null, {});
      } catch (e) {
        d.log(`stopping without the daemon.stopping event: ${(e as Error).message}`); // a full disk must not block the stop
      }
      planner.shutdown();
      await Promise.all(d.store.runs.active().map((r) => runner.cancel(r.id, 'shutdown')));
      // The bound must not outlive the stop: a pending 4 s timer kept an idle daemon alive for 4 s (issue 12).
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([runner.settleAll(), progress.idle()]), new Promise((r) => (bound = setTimeout(r, 4000)))]);
      clearTimeout(bound);
      return { ended };
    },
  };
  return engine;
}

export type Engine = ReturnType<typeof createEngine>;
