import { createRunLogs } from './runlog.js';
import type { RunState } from '../api/index.js';
import type { RunRow, TaskRow } from '../store/index.js';
import { createDriver } from './driver.js';
import { REMOVED_NOTE } from './names.js';
import { createReviewer } from './reviewer.js';
import { createWorkflowSteps } from './workflow/steps.js';
import { createForgeSteps } from './forge-steps.js';
import { createMergeSteps } from './merge-steps.js';
import { createRebaseSteps } from './rebase-step.js';
import { commitMessage } from './commit-message.js';
import type { RunnerDeps, StepResult } from './runner-deps.js';
import { createRunEnd } from './run-end.js';
import { createAgentTurn } from './agent-turn.js';
import { heldAtStep } from './budget-guard.js';

export type { RunnerDeps } from './runner-deps.js';

/**
 * Drives runs through their written state machine. The state names the next step; each step is idempotent, writes
 * its intent before acting and its result after, so a crash anywhere is recovered by driving the run again.
 */
export function createRunner(d: RunnerDeps) {
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

  const { marksStatus, park, cleanup, fail, finishStopped } = createRunEnd({ d, log, closeLog, setState, task });

  async function claim(taskId: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    const source = d.sources?.find((s) => s.owns(taskId));
    if (!source?.claim) return { ok: true };
    return source.claim(taskId).catch((e: unknown) => ({ ok: false as const, reason: `${source.label}: could not claim ${taskId}, so it was not run: ${e instanceof Error ? e.message : String(e)}` }));
  }

  async function prepare(run: RunRow): Promise<StepResult> {
    let base = run.baseSha ?? undefined;
    if (!base) {
      // Before anything is prepared: a task someone else claimed first (Beads) is not Orch's to run.
      const claimed = await claim(run.taskId);
      if (!claimed.ok) return fail(run, claimed.reason);
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

  /** A run a spent budget held before a reviewer's or tester's turn goes on with that step. */
  function resumeStep(runId: string): boolean {
    const run = d.store.runs.get(runId);
    if (!run || run.state !== 'waiting' || !heldAtStep(run.waitingReason)) return false;
    setState(run, 'committed', { waitingReason: null });
    void drive(runId);
    return true;
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
          ...(d.turnHold ? { hold: d.turnHold } : {}),
        })
      : undefined;
  const { commit, review, merge, rebaseGaveUp } = createMergeSteps({
    d, log, setState, park, fail, stopRemoved: (run: RunRow) => finishStopped(run, REMOVED_NOTE), task, forgeSteps, rebaseSteps, targetName, reviewer, shutdown: shuttingDown.signal, workflow,
  });
  const turn = createAgentTurn({ d, log, setState, task, end: { park, fail, finishStopped }, rebaseGaveUp, wake: (runId, why) => wake(runId, why) });

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
        return turn.spawn(run);
      case 'running':
        return turn.hasAgent(run.id) ? 'stop' : reattach(run);
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
    activity: turn.activity,
    wake,
    resumeStep,
    /** Another role's usage for this run (the planner's answer to its question), counted where budgets see it. */
    charge: turn.charge,
    approve,
    hasAgent: turn.hasAgent,
    /** A line of Orch's own in the run's log. */
    note: (runId: string, msg: string) => log(runId, 'orch', msg),
    cancel: turn.cancel,
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
