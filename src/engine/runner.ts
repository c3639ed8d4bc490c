import type { Redactor } from '../secrets/index.js';
import { createRunLogs } from './runlog.js';
import { unparsedNote, type AgentEvent, type AgentHandle, type AgentRunRequest } from '../agents/index.js';
import { judgeTurn, trimEvent, type Verdict } from './judge.js';
import type { Config } from '../config/index.js';
import { apiRetryText, type RunState, type Signal, type Verification } from '../api/index.js';
import type { Emit } from './emit.js';
import { isDiskFull, type RunRow, type Store, type TaskRow } from '../store/index.js';
import { createDriver } from './driver.js';
import type { ModuleInfo } from '../plans/index.js';
import { buildPrompt, type TemplateDirs } from './prompt.js';
import { REMOVED_NOTE, savedRefFor, STOPPED_NOTE } from './names.js';
import { saveRunHead } from './saved.js';
import type { Writeback } from './writeback.js';
import type { PlanSource } from '../sources/index.js';
import { RUN_ENV_KEY, type BackendFor, type ContainFor, type ForgePort, type ProcessPort, type RepoPort, type ResolvedAgent } from './ports.js';
import { createReviewer } from './reviewer.js';
import { createWorkflowSteps } from './workflow/steps.js';
import type { WorkflowConfig } from '../config/workflow-schema.js';
import { createForgeSteps } from './forge-steps.js';
import { createMergeSteps } from './merge-steps.js';
import { createRebaseSteps } from './rebase-step.js';
import type { Mutex } from './mutex.js';
import { createLiveUsage, turnUsage, usageBefore, usageFields } from './meter.js';
import { commitMessage } from './commit-message.js';

type LiveUsage = ReturnType<typeof createLiveUsage>;

export interface RunnerDeps {
  store: Store;
  repo: RepoPort;
  procs: ProcessPort;
  backendFor: BackendFor;
  writeback: Writeback;
  targetMutex: Mutex;
  logsDir: string;
  /** The daemon's own log, for a run log that cannot be written. */
  daemonLog?: (msg: string) => void;
  redact?: Redactor;
  plansDir: string;
  readme: boolean;
  epicMarker: boolean;
  /** Every plan source: those that keep a task's status in repository files (Backlog.md) add them to status commits. */
  sources?: readonly PlanSource[];
  /** `[plan] status_commits`: "merge-only" writes no 🟡 start mark and no reset on the target, only the merge. */
  statusCommits?: 'start-and-merge' | 'merge-only';
  commitTemplate: string;
  agentTimeoutMs: number;
  modules: () => ModuleInfo[];
  templateDirs: TemplateDirs;
  review: Config['review'];
  /** Runs the project's build/test/lint commands in a worktree; undefined or [] when none are configured. */
  verify?: (worktree: string, signal?: AbortSignal) => Promise<Verification[]>;
  /** `[workflow]` (G5): the steps after the coder, their agents, models and limits. */
  workflow?: WorkflowConfig;
  /** The agent of a workflow role: the reviewer read-only, the tester with write tools. Throws when not configured. */
  workflowAgent?: (role: 'reviewer' | 'tester') => ResolvedAgent;
  /** The project's test command as one line, for the tester's prompt. */
  testCommand?: string;
  /** The read-only reviewer agent ([review] reviewer_agent), when one is configured. */
  reviewerAgent?: () => ResolvedAgent;
  /** GitHub and friends; undefined in local mode. */
  forge?: ForgePort;
  forgeCfg: Config['forge'];
  mcpFor?: (run: RunRow) => AgentRunRequest['mcp'];
  /** The sandbox of each agent process; undefined = none. */
  containFor?: ContainFor;
  /** Watches the shared .git (hooks, config) across a turn; the check undoes and describes what changed. */
  guardFor?: (run: RunRow) => (() => string[]) | undefined;
  maxRetries: number;
  maxTestFailures: number;
  stuckMs: number;
  /** Output or token movement of a run's agent (stuck detection); `ended` when its process is gone. */
  onActivity: (runId: string, ended?: boolean) => void;
  /** Every finished agent turn, for the per-backend circuit breaker. */
  onTurnEnd: (backendId: string, verdict: Verdict) => void;
  emit: Emit;
  /** Called when a run reaches a terminal state or merged: the scheduler looks for new work. */
  onSettled: () => void;
  /** The answer prompt for a question of this turn answered after the agent stopped waiting in its tool call. */
  undeliveredAnswer?: (signals: Signal[]) => string | undefined;
}

type StepResult = 'continue' | 'wait' | 'stop';

/**
 * Drives runs through their written state machine. The state names the next step; each step is idempotent, writes
 * its intent before acting and its result after, so a crash anywhere is recovered by driving the run again.
 */
export function createRunner(d: RunnerDeps) {
  /** Live and in memory: the last API retry of a running agent, until its next event. */
  const activity = new Map<string, string>();
  const handles = new Map<string, { handle: AgentHandle; abort: AbortController; stopping?: 'stop' | 'shutdown' | 'stuck' | 'pause'; note?: string }>();

  const setState = (run: RunRow, state: RunState, fields: Partial<RunRow> = {}): RunRow => {
    const next = d.store.runs.update(run.id, { ...fields, state });
    if (run.state !== state) d.emit('run.state', run.taskId, run.id, { from: run.state, to: state, error: next.error });
    return next;
  };

  const runLogs = createRunLogs(d.logsDir, (runId, e) => d.daemonLog?.(`run log of ${runId} failed: ${e.message}`), d.redact);
  const log = runLogs.write;
  const closeLog = runLogs.close;

  const rebaseSteps = createRebaseSteps({
    store: d.store,
    repo: d.repo,
    maxAttempts: d.forgeCfg.max_fix_attempts,
    log: (runId, line) => log(runId, 'orch', line),
    flag: async (run) => {
      if (d.forge && run.prNumber) await d.forge.addLabels(run.prNumber, [d.forgeCfg.label]);
    },
  });
  /** The name a run's target goes by where its branch is rebased: the remote-tracking branch with a forge. */
  const targetName = (run: RunRow): string => (d.forge ? `${d.forgeCfg.remote}/${run.targetBranch}` : run.targetBranch);

  const forgeSteps = d.forge
    ? createForgeSteps({
        store: d.store,
        repo: d.repo,
        forge: d.forge,
        cfg: d.forgeCfg,
        plansDir: d.plansDir,
        readme: d.readme,
        epicMarker: d.epicMarker,
        ...(d.sources ? { sources: d.sources } : {}),
        modules: d.modules,
        title: (t) => commitMessage(d.commitTemplate, t),
        log: (runId, line) => log(runId, 'orch', line),
        rebaseSteps,
      })
    : undefined;

  const task = (run: RunRow): TaskRow => {
    const t = d.store.tasks.get(run.taskId);
    if (!t) throw new Error(`run ${run.id} names task ${run.taskId}, which is not in the store`);
    return t;
  };

  /**
   * Whether this run writes 🟡 when it starts and 🔴 when it fails or stops. Local mode only (with a forge the plan
   * status travels inside the pull request), not with `status_commits = "merge-only"`, and only for a task's first
   * run: a retry's marks would add one more start/reset pair to the target branch for every attempt.
   */
  function marksStatus(run: RunRow): boolean {
    if (d.forge || d.statusCommits === 'merge-only') return false;
    return !d.store.runs.forTask(run.taskId).some((r) => r.id !== run.id && (r.state === 'failed' || r.state === 'stopped'));
  }

  async function prepare(run: RunRow): Promise<StepResult> {
    let base = run.baseSha ?? undefined;
    if (!base) {
      base = d.forge ? await d.forge.fetchTarget(run.targetBranch) : await d.repo.revParse(`refs/heads/${run.targetBranch}`);
      if (!base) return fail(run, `target branch ${run.targetBranch} does not exist; set target_branch in .orch/config.toml`);
      run = d.store.runs.update(run.id, { baseSha: base });
    }
    await d.repo.ensureWorktree({ path: run.worktree, branch: run.branch, base });
    log(run.id, 'orch', `worktree ${run.worktree} on ${run.branch} from ${base.slice(0, 10)}`);
    const t = task(run);
    if (marksStatus(run)) {
      // Local mode marks 🟡 on the target; with a forge the plan status travels inside the pull request.
      const marked = await d.writeback.commit(run.targetBranch, t, { status: 'in_progress' });
      if (!marked.ok) log(run.id, 'orch', `plan README not marked in progress: ${marked.detail ?? 'unknown'}`);
    }
    setState(run, 'spawning');
    return 'continue';
  }

  async function spawn(run: RunRow): Promise<StepResult> {
    const t = task(run);
    // Its epic left the plan since the run started: no new agent turn (an `orch sync` stopped the one running).
    if (t.removedAt) return finishStopped(run, REMOVED_NOTE);
    let agent;
    try {
      agent = d.backendFor(t.agent);
    } catch (e) {
      return fail(run, (e as Error).message);
    }
    const backend = agent.backend;
    const deps = t.dependsOn.map((id) => d.store.tasks.get(id)).filter((x): x is TaskRow => !!x);
    const overview = d.modules().find((m) => m.name === t.module)?.overview;
    let prompt: string;
    try {
      prompt =
        run.nextPrompt ??
        // A maintenance task's body is its prompt, rendered when `orch maintain` asked for it.
        (t.source === 'maintenance' && !run.sessionId ? t.body : undefined) ??
        buildPrompt({ task: t, moduleOverview: overview, completedDeps: deps, targetBranch: run.targetBranch }, d.templateDirs, run.sessionId ? 'resume' : 'coder');
    } catch (e) {
      return fail(run, (e as Error).message);
    }
    const abort = new AbortController();
    const turnStarted = new Date().toISOString();
    const before = usageBefore(run);
    const events: AgentEvent[] = [];
    const usage = createLiveUsage({ update: d.store.runs.update, emit: d.emit, runId: run.id, taskId: run.taskId, before });
    const seen = { unparsed: 0, result: false, version: undefined as string | undefined };
    const remoteRefs = await d.repo.snapshotRemoteRefs();
    const guard = d.guardFor?.(run);
    // The agent timer is armed only once the agent is started: a start that throws (spawn refused an argument, the
    // sandbox could not be set up) left a one-hour timer that kept a stopped daemon alive (issue 9).
    const handle = backend.start({
      runId: run.id,
      cwd: run.worktree,
      prompt,
      resumeSessionId: run.sessionId ?? undefined,
      model: t.model ?? run.model ?? undefined,
      systemPrompt: agent.systemPrompt ?? undefined,
      env: { ...agent.env, [RUN_ENV_KEY]: run.id },
      mcp: d.mcpFor?.(run),
      contain: d.containFor?.({ cwd: run.worktree, backendId: agent.backendId, runId: run.id }),
      signal: abort.signal,
      onLine: (stream, line, raw) => {
        d.onActivity(run.id);
        // Backpressure: a promise while the run log is over its high-water mark pauses reading the agent's pipe.
        return log(run.id, stream === 'stdout' ? 'out' : 'err', line, raw);
      },
      onEvent: (e) => {
        try {
          onEvent(e);
        } catch (err) {
          // Best effort mid-turn: the end of the turn records usage and session again. A full disk must not end the daemon.
          if (!isDiskFull(err)) throw err;
        }
      },
    });
    function onEvent(e: AgentEvent): void {
      // PERF: judging needs the commands and paths of tool calls, not megabytes of text or file content:
      // keep a bounded window of trimmed events (50 flooding agents pushed the daemon over 450 MB otherwise).
      // Followers of /api/events get the same trimmed events; the run log has everything.
      const judged = e.type !== 'text' && e.type !== 'unparsed';
      const kept = judged ? trimEvent(e) : e;
      if (judged) events.push(kept);
      if (events.length > 2000) events.splice(0, 500);
      if (e.type === 'unparsed') seen.unparsed++;
      else if (e.type === 'result') seen.result = true;
      else if (e.type === 'session' && e.version) seen.version = e.version;
      onAgentEvent(run.id, run.taskId, kept, usage);
    }
    const timer = setTimeout(() => abort.abort(new Error('timeout')), d.agentTimeoutMs);
    handles.set(run.id, { handle, abort });
    log(run.id, 'orch', `${backend.id} started, pid ${handle.pid}${run.sessionId ? `, resuming session ${run.sessionId}` : ''}`);
    run = setState(run, 'running', {
      pid: handle.pid,
      pgid: handle.pgid,
      nextPrompt: null,
      waitingReason: null,
      startedAt: run.startedAt ?? new Date().toISOString(),
      attempt: run.sessionId ? run.attempt + 1 : run.attempt,
    });
    const outcome = await handle.result.finally(() => clearTimeout(timer));
    // Before any other git call: a planted hook or config must not run in Orch's own git.
    const tampered = guard?.() ?? [];
    for (const t of tampered) log(run.id, 'orch', `security: ${t}`);
    const entry = handles.get(run.id);
    handles.delete(run.id);
    activity.delete(run.id);
    d.onActivity(run.id, true);
    const spent = turnUsage(outcome.usage, outcome.costUsd ?? 0, usage.total);
    run = d.store.runs.update(run.id, {
      pid: null,
      pgid: null,
      sessionId: outcome.sessionId ?? run.sessionId ?? null,
      ...usageFields(before, spent.usage, spent.costUsd),
    });
    d.emit('run.usage', run.taskId, run.id, { ...spent.usage, costUsd: spent.costUsd });
    if (entry?.stopping === 'shutdown') {
      // The daemon is going down: the run resumes from its session on the next start.
      log(run.id, 'orch', 'agent ended by daemon shutdown; will resume on next start');
      setState(run, 'spawning');
      return 'stop';
    }
    if (entry?.stopping === 'stop') return finishStopped(run, entry.note);
    if (entry?.stopping === 'pause') {
      // Graceful pause (S3): partial work committed to the run's branch, worktree and session kept for resume.
      const t = task(run);
      // In the middle of resolving a rebase the worktree holds conflict markers: keep it as it is, never commit them.
      const c = (await d.repo.rebasing(run.worktree)) ? { committed: false, sha: '' } : await d.repo.commitAll(run.worktree, `wip(${t.module}): paused E${String(t.epic).padStart(2, '0')} - ${t.title}`);
      if (c.committed) log(run.id, 'orch', `partial work committed as ${c.sha.slice(0, 10)}`);
      return park(run, entry.note ?? `paused — orch resume ${run.taskId} continues the same session`);
    }
    if (entry?.stopping === 'stuck') {
      return park(run, `stuck: no output for ${Math.round(d.stuckMs / 60000)} min — give guidance with: orch resume ${run.taskId} --guidance "..."`);
    }
    if (outcome.canceled && abort.signal.reason instanceof Error && abort.signal.reason.message === 'timeout') {
      return fail(run, `agent timed out after ${Math.round(d.agentTimeoutMs / 60000)} min (agent.timeout_minutes)`);
    }
    const turnSignals = d.store.signals.forRun(run.id).filter((sig) => sig.createdAt >= turnStarted);
    const late = outcome.ok ? d.undeliveredAnswer?.(turnSignals) : undefined;
    if (late) {
      // Answered in the gap between the agent giving up waiting and its turn ending: resume with the answer.
      log(run.id, 'orch', 'a question of this turn was answered after the agent stopped waiting; resuming with the answer');
      setState(run, 'spawning', { nextPrompt: late });
      return 'continue';
    }
    const verdict = judgeTurn({
      outcome,
      events,
      signals: turnSignals,
      retries: run.retries,
      maxRetries: d.maxRetries,
      maxTestFailures: d.maxTestFailures,
      worktree: run.worktree,
      taskId: run.taskId,
      historyViolations: [
        ...tampered.map((detail) => ({ rule: 'git-tamper' as const, detail })),
        ...(await d.repo.checkHistory({ worktree: run.worktree, baseSha: run.baseSha ?? '', branch: run.branch, remoteRefs })),
      ],
    });
    d.onTurnEnd(agent.backendId, verdict);
    switch (verdict.kind) {
      case 'done':
        log(run.id, 'orch', `agent finished: ${outcome.resultText.slice(0, 500)}`);
        setState(run, 'agent_done');
        return 'continue';
      case 'retry': {
        log(run.id, 'orch', `transient failure, retrying in ${Math.round(verdict.delayMs / 1000)} s: ${verdict.reason}`);
        run = d.store.runs.update(run.id, { retries: run.retries + 1 });
        const reason = `retrying in ${Math.round(verdict.delayMs / 1000)} s: ${verdict.reason}`;
        setState(run, 'waiting', { waitingReason: reason });
        d.emit('run.waiting', run.taskId, run.id, { reason });
        setTimeout(() => wake(run.id, 'retry'), verdict.delayMs).unref();
        return 'stop';
      }
      case 'wait':
        return park(run, verdict.reason);
      case 'fail': {
        // An agent that failed on a conflicting rebase (not one that broke the rules) hands the conflict to a human.
        if (!verdict.error.startsWith('safety rules broken') && (await d.repo.rebasing(run.worktree))) return rebaseGaveUp(run, verdict.error);
        if (seen.unparsed === 0 || seen.result) return fail(run, verdict.error);
        // Output Orch did not understand and no result: name the CLI's version and the versions supported.
        const version = seen.version ?? (await backend.check().then((c) => (c.ok ? c.version : undefined), () => undefined));
        return fail(run, `${verdict.error}\n${unparsedNote(agent.backendId, version, seen.unparsed)}`);
      }
      default: {
        const never: never = verdict;
        throw new Error(`unknown verdict ${JSON.stringify(never)}`);
      }
    }
  }

  /** A run that waits for a person: no agent, worktree and session kept, the reason on the event stream. */
  function park(run: RunRow, reason: string): StepResult {
    log(run.id, 'orch', reason);
    setState(run, 'waiting', { waitingReason: reason });
    d.emit('run.waiting', run.taskId, run.id, { reason });
    d.onSettled();
    return 'stop';
  }

  /** A human approved a flagged change: merge it. */
  function approve(runId: string, by: string): boolean {
    const run = d.store.runs.get(runId);
    if (!run || run.state !== 'waiting' || run.review === null) return false;
    d.store.tasks.setStatus(run.taskId, 'in_progress', `approved by ${by}`);
    setState(run, 'merging', { approvedBy: by, waitingReason: null });
    void drive(runId);
    return true;
  }

  /** Moves a waiting run back to its agent, with the next prompt if one is given. */
  function wake(runId: string, why: 'retry' | 'answer' | 'guidance', nextPrompt?: string): boolean {
    const run = d.store.runs.get(runId);
    if (!run || run.state !== 'waiting') return false;
    if (why === 'retry' && !run.waitingReason?.startsWith('retrying')) return false;
    // New work gets a new review decision.
    setState(run, 'spawning', { waitingReason: null, nextPrompt: nextPrompt ?? null, review: null, approvedBy: null });
    void drive(runId);
    return true;
  }

  function onAgentEvent(runId: string, taskId: string, e: AgentEvent, usage: LiveUsage): void {
    if (e.type === 'retry') {
      const text = apiRetryText(e);
      activity.set(runId, text);
      d.emit('run.retry', taskId, runId, { attempt: e.attempt, max: e.max ?? null, delayMs: e.delayMs ?? null, status: e.status ?? null, message: e.message, text });
    } else if (e.type !== 'unparsed' && activity.has(runId)) activity.delete(runId);
    if (e.type === 'session') {
      const run = d.store.runs.get(runId);
      if (run && run.sessionId !== e.sessionId) d.store.runs.update(runId, { sessionId: e.sessionId });
    } else usage.see(e);
    if (e.type !== 'unparsed') d.emit('run.output', taskId, runId, { event: e }, false);
  }

  const shuttingDown = new AbortController();
  const reviewer = d.reviewerAgent
    ? createReviewer({ agent: d.reviewerAgent, containFor: d.containFor, timeoutMs: d.agentTimeoutMs, log: (runId, line) => log(runId, 'orch', line), signal: shuttingDown.signal })
    : undefined;
  const workflow =
    d.workflow && d.workflowAgent
      ? createWorkflowSteps({
          store: d.store,
          repo: d.repo,
          cfg: d.workflow,
          agentFor: d.workflowAgent,
          containFor: d.containFor,
          verify: d.verify,
          ...(d.testCommand ? { testCommand: d.testCommand } : {}),
          log: (runId, line) => log(runId, 'orch', line),
          emit: d.emit,
          signal: shuttingDown.signal,
        })
      : undefined;
  const { commit, review, merge, rebaseGaveUp } = createMergeSteps({
    d, log, setState, park, fail: (run: RunRow, error: string) => fail(run, error), stopRemoved: (run: RunRow) => finishStopped(run, REMOVED_NOTE), task, forgeSteps, rebaseSteps, targetName, reviewer, shutdown: shuttingDown.signal, workflow,
  });

  /** Keeps every commit reachable (saved ref), then removes the worktree and the merged branch. */
  async function cleanup(run: RunRow): Promise<StepResult> {
    if (d.forge && run.prNumber) await d.forge.deleteBranch(run.branch).catch((e: unknown) => log(run.id, 'orch', `remote branch kept: ${String(e)}`));
    const head = (await d.repo.revParse(`refs/heads/${run.branch}`)) ?? run.commitSha;
    if (head) await saveRunHead(d.repo, run.id, head);
    const removed = await d.repo.removeWorktree(run.worktree);
    if (!removed.ok) log(run.id, 'orch', `worktree kept: ${removed.reason}`);
    else await d.repo.deleteBranch(run.branch);
    setState(run, 'done', { endedAt: new Date().toISOString(), savedRef: head ? savedRefFor(run.id) : null });
    closeLog(run.id);
    d.onSettled();
    return 'stop';
  }

  /** Saves whatever the agent left (commit on its branch + saved ref), removes the worktree, records the reason. */
  async function saveWork(run: RunRow, label: string): Promise<string | null> {
    if (!(await d.repo.worktreeExists(run.worktree))) return run.savedRef;
    const t = task(run);
    // A rebase left half-resolved: back to the branch as it was (its head is saved), never commit conflict markers.
    if (await d.repo.rebasing(run.worktree)) await d.repo.abortRebase(run.worktree);
    const res = await d.repo.commitAll(run.worktree, `wip(${t.module}): ${label} E${String(t.epic).padStart(2, '0')} - ${t.title}`);
    await saveRunHead(d.repo, run.id, res.sha);
    const removed = await d.repo.removeWorktree(run.worktree);
    if (!removed.ok) log(run.id, 'orch', `worktree kept: ${removed.reason}`);
    return savedRefFor(run.id);
  }

  async function fail(run: RunRow, error: string): Promise<StepResult> {
    log(run.id, 'orch', `failed: ${error}`);
    run = d.store.runs.update(run.id, { error });
    const saved = await saveWork(run, 'unfinished').catch((e: unknown) => {
      log(run.id, 'orch', `could not save the worktree: ${String(e)}`);
      return null;
    });
    setState(run, 'failed', { endedAt: new Date().toISOString(), savedRef: saved, pid: null, pgid: null });
    const t = task(run);
    d.store.tasks.setStatus(t.id, 'failed', error);
    d.emit('task.status', t.id, run.id, { status: 'failed', error });
    if (marksStatus(run)) await d.writeback.commit(run.targetBranch, t, { status: 'not_started', note: `failed: ${error.split('\n')[0]?.slice(0, 120)}` });
    closeLog(run.id);
    d.onSettled();
    return 'stop';
  }

  async function finishStopped(run: RunRow, note = STOPPED_NOTE): Promise<StepResult> {
    const saved = await saveWork(run, 'stopped');
    setState(run, 'stopped', { endedAt: new Date().toISOString(), savedRef: saved, pid: null, pgid: null });
    if (note !== STOPPED_NOTE) log(run.id, 'orch', `${note}; its work is kept on ${run.branch} and ${savedRefFor(run.id)}`);
    d.store.tasks.setStatus(run.taskId, 'not_started', note);
    d.emit('task.status', run.taskId, run.id, { status: 'not_started', note });
    if (marksStatus(run)) await d.writeback.commit(run.targetBranch, task(run), { status: 'not_started', note: 'stopped' });
    closeLog(run.id);
    d.onSettled();
    return 'stop';
  }

  /** Recovery of a run that was in an agent step when an earlier daemon died: end any leftover agent, resume. */
  async function reattach(run: RunRow): Promise<StepResult> {
    if (run.pid && d.procs.isAlive(run.pid) && (await d.procs.isOurs(run.pid, run.id))) {
      log(run.id, 'orch', `ending agent pid ${run.pid} left by an earlier daemon`);
      await d.procs.killGroup(run.pgid ?? run.pid, 3000);
    }
    setState(run, 'spawning', { pid: null, pgid: null });
    return 'continue';
  }

  async function step(run: RunRow): Promise<StepResult> {
    switch (run.state) {
      case 'queued':
        setState(run, 'preparing');
        return 'continue';
      case 'preparing':
        return prepare(run);
      case 'spawning':
        return spawn(run);
      case 'running':
        return handles.has(run.id) ? 'stop' : reattach(run);
      case 'waiting':
        // After a restart a pending retry has lost its timer: retry now. Questions and stuck runs keep waiting.
        if (run.waitingReason?.startsWith('retrying')) {
          setState(run, 'spawning', { waitingReason: null });
          return 'continue';
        }
        return 'stop';
      case 'agent_done':
        return commit(run);
      case 'committed':
        return review(run);
      case 'merging':
        return merge(run);
      case 'cleanup':
        return cleanup(run);
      case 'done':
      case 'failed':
      case 'stopped':
        return 'stop';
      default: {
        const never: never = run.state;
        throw new Error(`unknown run state ${String(never)}`);
      }
    }
  }

  const driver = createDriver({ store: d.store, step, fail, repair: () => d.repo.repair(), log: (runId, line) => log(runId, 'orch', line) });
  const drive = driver.drive;

  return {
    drive,
    isDriving: driver.isDriving,
    /** What a running agent is doing when it is not working: its CLI retrying the API. */
    activity: (runId: string): string | null => activity.get(runId) ?? null,
    wake,
    approve,
    hasAgent: (runId: string) => handles.has(runId),
    /** A line of Orch's own in the run's log. */
    note: (runId: string, msg: string) => log(runId, 'orch', msg),
    /** Ends a run's agent: 'stop' parks the run as stopped; 'shutdown' leaves it to resume on the next start. */
    /** `note`: the reason a paused run waits with (it starts with "paused"), instead of the default one. */
    async cancel(runId: string, why: 'stop' | 'shutdown' | 'stuck' | 'pause', note?: string): Promise<boolean> {
      const h = handles.get(runId);
      if (!h) return false;
      h.stopping = why;
      if (note !== undefined) h.note = note;
      h.abort.abort(new Error(why));
      await h.handle.result.catch(() => undefined);
      return true;
    },
    async stopIdle(run: RunRow, note?: string): Promise<void> {
      await finishStopped(run, note);
    },
    async settleAll(): Promise<void> {
      shuttingDown.abort();
      await driver.settle();
      runLogs.closeAll();
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;
