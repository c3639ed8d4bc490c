import { plural } from '../api/index.js';
import type { RunState } from '../api/index.js';
import type { RunRow, TaskRow } from '../store/index.js';
import { formatDecision, type Decision, type Reason } from '../review/index.js';
import type { WorkflowSteps } from './workflow/steps.js';
import { runTrailer } from './names.js';
import { mayStayDirty, statusFiles } from './writeback.js';
import { decideReview } from './review-step.js';
import { stepHoldReason } from './budget-guard.js';
import type { Reviewer } from './reviewer.js';
import type { ForgeSteps } from './forge-steps.js';
import type { RebaseStep, RebaseSteps } from './rebase-step.js';
import type { RunnerDeps } from './runner-deps.js';
import { commitMessage } from './commit-message.js';
import { checksPrompt, deliverablesPrompt, failingSummary, missingDeliverables } from './gates.js';
import type { Verification } from '../api/index.js';

type StepResult = 'continue' | 'wait' | 'stop';

export const NOTHING_TO_CHANGE = 'the agent found nothing to change';

export interface MergeStepContext {
  d: RunnerDeps;
  log: (runId: string, s: 'out' | 'err' | 'orch', l: string) => void;
  setState: (run: RunRow, state: RunState, fields?: Partial<RunRow>) => RunRow;
  park: (run: RunRow, reason: string) => StepResult;
  fail: (run: RunRow, error: string) => Promise<StepResult>;
  /** Stops a run whose epic left the plan, its work saved: nothing the user removed is merged. */
  stopRemoved: (run: RunRow) => Promise<StepResult>;
  task: (run: RunRow) => TaskRow;
  forgeSteps: ForgeSteps | undefined;
  rebaseSteps: RebaseSteps;
  /** The name of a run's target where its branch is rebased (`origin/main` with a forge). */
  targetName: (run: RunRow) => string;
  /** The optional reviewer agent ([review] reviewer_agent). */
  reviewer?: Reviewer;
  /** Aborted when the daemon shuts down: the project's commands are ended and run again on the next start. */
  shutdown?: AbortSignal;
  /** The workflow's review and test steps (G5); undefined = code, then the checks. */
  workflow?: WorkflowSteps;
}

/** The steps after an agent's work is committed: review routing, then the merge (local, or through a forge). */
export function createMergeSteps({ d, log, setState, park, fail, stopRemoved, task, forgeSteps, rebaseSteps, targetName, reviewer, shutdown, workflow }: MergeStepContext) {
  /** Turns the outcome of a rebase into the run's next state; `next` is where a rebased run goes on. */
  function afterRebase(r: RebaseStep, next: RunState): StepResult {
    switch (r.kind) {
      case 'current':
      case 'clean':
        setState(r.run, next, { waitingReason: null });
        return 'continue';
      case 'agent':
        setState(r.run, 'spawning', { nextPrompt: r.prompt, waitingReason: null });
        return 'continue';
      case 'human':
        return park(r.run, r.reason);
      default: {
        const never: never = r;
        throw new Error(`unknown rebase step ${JSON.stringify(never)}`);
      }
    }
  }

  /** The agent's work becomes a commit (or its rebase resolution is continued), then the project's own checks run on it. */
  async function commit(run: RunRow): Promise<StepResult> {
    const t = task(run);
    if (await d.repo.rebasing(run.worktree)) {
      // W7: the agent (or a person) worked on a conflicting rebase; its resolution continues the rebase.
      const r = await rebaseSteps.resume(run, t, targetName(run));
      if (r.kind !== 'clean') return afterRebase(r, 'committed');
      run = r.run;
    } else {
      const markers = await d.repo.conflictMarkers(run.worktree);
      if (markers.length > 0) return park(run, `conflict markers left in ${markers.join(', ')}; resolve them in ${run.worktree}, then orch resume ${t.id}`);
      const res = await d.repo.commitAll(run.worktree, commitMessage(d.commitTemplate, t));
      if (res.sha === run.baseSha) {
        // Maintenance looks for something to improve; finding nothing is an answer, not a failure (an epic must change something).
        if (t.source === 'maintenance') return nothingToChange(run);
        return fail(run, 'the agent finished without changing any file; nothing to merge');
      }
      log(run.id, 'orch', res.committed ? `committed ${res.sha.slice(0, 10)}` : `agent already committed; head ${res.sha.slice(0, 10)}`);
      run = d.store.runs.update(run.id, { commitSha: res.sha });
    }
    const missing = missingDeliverables(run.worktree, t.deliverables);
    if (missing.length > 0) {
      // G5/P4: listed deliverables are part of done. Back to the agent (same session), then the run fails with the list.
      const max = d.forgeCfg.max_fix_attempts;
      if (run.fixAttempts >= max) return fail(run, `deliverables missing after ${plural(run.fixAttempts, 'fix attempt')}: ${missing.join(', ')}`);
      run = d.store.runs.update(run.id, { fixAttempts: run.fixAttempts + 1 });
      log(run.id, 'orch', `deliverables missing (${missing.join(', ')}); back to the agent (attempt ${run.fixAttempts} of ${max})`);
      setState(run, 'spawning', { nextPrompt: deliverablesPrompt(missing), waitingReason: null });
      return 'continue';
    }
    if (d.verify) {
      const results = await d.verify(run.worktree, shutdown);
      if (results.length > 0) {
        // Everything the agent made is committed, so what differs now is build and test output: it must not be
        // committed by a later turn nor get in the way of a rebase.
        const left = run.commitSha ? await d.repo.changedFiles(run.worktree, run.commitSha) : [];
        if (left.length > 0) {
          log(run.id, 'orch', `the project's commands left ${plural(left.length, 'changed file')} (${left.slice(0, 5).join(', ')}); worktree restored to ${run.commitSha?.slice(0, 10)}`);
          await d.repo.restoreWorktree(run.worktree);
        }
      }
      if (shutdown?.aborted) {
        // The commit is made; on the next start this step finds nothing to commit and runs the commands again.
        log(run.id, 'orch', "the project's commands were interrupted by shutdown; they run again on the next start");
        return 'stop';
      }
      if (results.length > 0) {
        run = d.store.runs.update(run.id, { verification: JSON.stringify(results) });
        for (const v of results) log(run.id, 'orch', `${v.kind}: ${v.ok ? 'passed' : v.timedOut ? 'timed out' : 'failed'} in ${(v.durationMs / 1000).toFixed(1)} s (${v.command})`);
        d.emit('run.verified', run.taskId, run.id, { results: results.map(({ outputTail: _tail, ...rest }) => rest) });
        const failing = results.filter((v) => !v.ok);
        if (failing.length > 0) return checksFailed(run, t, failing);
      }
    }
    setState(run, 'committed');
    return 'continue';
  }

  /**
   * G5: a change whose build, test or lint fails never reaches review or merge. It goes back to the agent's session
   * with the failure's tail up to `max_fix_attempts` times, then waits for a person with the reason (and, with a
   * forge, as a labelled pull request showing the failing output).
   */
  async function checksFailed(run: RunRow, t: TaskRow, failing: Verification[]): Promise<StepResult> {
    const max = d.forgeCfg.max_fix_attempts;
    if (run.fixAttempts < max) {
      run = d.store.runs.update(run.id, { fixAttempts: run.fixAttempts + 1 });
      log(run.id, 'orch', `checks failed (${failingSummary(failing)}); back to the agent in the same session (attempt ${run.fixAttempts} of ${max})`);
      setState(run, 'spawning', { nextPrompt: checksPrompt(failing, run.fixAttempts, max), waitingReason: null });
      return 'continue';
    }
    const why = `checks still failing after ${plural(run.fixAttempts, 'fix attempt')}: ${failingSummary(failing)}`;
    d.store.tasks.setStatus(t.id, 'needs_review', why);
    d.emit('task.status', t.id, run.id, { status: 'needs_review', note: why });
    if (forgeSteps) {
      const flagged = await forgeSteps.flag(run, t);
      if (typeof flagged === 'string') return fail(run, flagged);
      run = flagged;
    }
    return park(run, `${why}${run.prUrl ? ` (${run.prUrl})` : ''} — fix it in ${run.worktree} and orch resume ${t.id}, give the agent another go with orch resume ${t.id} --guidance "...", or orch stop ${t.id}`);
  }

  /**
   * Review routing (W5/W6): routine changes go on to merge; flagged ones wait for a human with the reasons.
   * The decision is recorded once, so a restart does not re-decide.
   */
  async function review(run: RunRow): Promise<StepResult> {
    const t = task(run);
    let stepFlags: Reason[] = [];
    if (run.review === null && workflow) {
      // G5: the workflow's review and test steps come before review routing (and before a pull request is opened).
      const wf = await workflow.advance(run, t);
      if (wf.kind === 'interrupted') return 'stop';
      if (wf.kind === 'held') return park(wf.run, stepHoldReason(wf.reason, wf.step));
      if (wf.kind === 'coder') {
        setState(wf.run, 'spawning', { nextPrompt: wf.prompt, waitingReason: null });
        return 'continue';
      }
      run = wf.run;
      stepFlags = wf.flag ?? [];
    }
    if (!d.review.enabled && !t.needsReview && stepFlags.length === 0) {
      setState(run, 'merging');
      return 'continue';
    }
    if (run.review === null) {
      // Review routing off: a workflow step's flag is the only reason a person looks.
      // The reviewer agent's turn spends like the coder's: a spent budget holds it (the decision waits with it).
      const held = reviewer && (d.review.enabled || t.needsReview) ? d.turnHold?.(run) : undefined;
      if (held) return park(run, stepHoldReason(held, 'review'));
      const decided: Awaited<ReturnType<typeof decideReview>> = !d.review.enabled && !t.needsReview ? { decision: { category: 'routine', flagged: false, reasons: [] } } : await decideReview(d.repo, run, t, d.review, reviewer);
      if (decided === 'interrupted') {
        log(run.id, 'orch', 'review interrupted by shutdown; it runs again on the next start');
        return 'stop';
      }
      const { verdict } = decided;
      const decision: Decision = stepFlags.length ? { ...decided.decision, flagged: true, reasons: [...stepFlags, ...decided.decision.reasons] } : decided.decision;
      const u = verdict?.usage;
      run = d.store.runs.update(run.id, {
        review: JSON.stringify(decision),
        // The reviewer's tokens are part of what the change cost.
        ...(u
          ? {
              inputTokens: run.inputTokens + u.inputTokens,
              outputTokens: run.outputTokens + u.outputTokens,
              cacheReadTokens: run.cacheReadTokens + u.cacheReadTokens,
              cacheWriteTokens: run.cacheWriteTokens + u.cacheWriteTokens,
              costUsd: run.costUsd + u.costUsd,
            }
          : {}),
      });
      // Budgets look again: the reviewer's tokens may have crossed a line.
      if (u) d.emit('run.usage', run.taskId, run.id, { inputTokens: run.inputTokens, outputTokens: run.outputTokens, cacheReadTokens: run.cacheReadTokens, cacheWriteTokens: run.cacheWriteTokens, costUsd: run.costUsd });
      log(run.id, 'orch', `review: ${formatDecision(decision).split('\n').join(' | ')}`);
    }
    const decision = JSON.parse(run.review ?? '{}') as Decision;
    if (decision.flagged && !run.approvedBy) {
      d.store.tasks.setStatus(t.id, 'needs_review', decision.reasons[0]?.detail ?? decision.category);
      d.emit('task.status', t.id, run.id, { status: 'needs_review', category: decision.category, reasons: decision.reasons });
      const first = decision.reasons[0];
      if (forgeSteps) {
        const flagged = await forgeSteps.flag(run, t);
        if (typeof flagged === 'string') return fail(run, flagged);
        run = flagged;
      }
      return park(run, `needs review (${decision.category}): ${first ? `${first.file}${first.line ? `:${first.line}` : ''} ${first.detail}` : 'flagged'}${run.prUrl ? ` (${run.prUrl})` : ''} — see orch pr review; merge with orch pr merge ${t.id}`);
    }
    setState(run, 'merging');
    return 'continue';
  }

  async function mergeViaForge(run: RunRow): Promise<StepResult> {
    if (!forgeSteps) throw new Error('no forge');
    const t = task(run);
    let r;
    try {
      r = await forgeSteps.step(run, t);
    } catch (e) {
      // Every forge step is safe to repeat: an API or network failure is retried on a later tick, not fatal.
      r = { kind: 'wait' as const, reason: `forge error, retrying: ${(e as Error).message.split('\n')[0] ?? ''}` };
    }
    switch (r.kind) {
      case 'merged':
        return merged(r.run);
      case 'wait':
        if (run.waitingReason !== r.reason) {
          d.store.runs.update(run.id, { waitingReason: r.reason });
          d.emit('run.waiting', run.taskId, run.id, { reason: r.reason });
          log(run.id, 'orch', r.reason);
        }
        return 'wait';
      case 'park':
        return park(run, r.reason);
      case 'fix':
        log(run.id, 'orch', 'checks failed; back to the agent in the same session');
        setState(run, 'spawning', { nextPrompt: r.prompt, waitingReason: null });
        return 'continue';
      case 'rebase':
        return afterRebase(r.step, 'merging');
      case 'fail':
        return fail(run, r.error);
      default: {
        const never: never = r;
        throw new Error(`unknown forge step ${JSON.stringify(never)}`);
      }
    }
  }

  async function merge(run: RunRow): Promise<StepResult> {
    // Removed from the plan before its merge began: saved, never merged.
    if (task(run).removedAt && !run.mergeCommit) return stopRemoved(run);
    // A rebase still in progress (a person resolved it, then approved with orch pr merge): finish it first.
    if (await d.repo.rebasing(run.worktree)) {
      setState(run, 'agent_done');
      return 'continue';
    }
    if (forgeSteps) return mergeViaForge(run);
    return d.targetMutex.run(async () => {
      const target = run.targetBranch;
      for (let attempt = 0; attempt < 5; attempt++) {
        const tip = await d.repo.revParse(`refs/heads/${target}`);
        if (!tip) return fail(run, `target branch ${target} disappeared`);
        // Already merged before a crash? The recorded commit or the run trailer on the target tells.
        if (run.mergeCommit && (await d.repo.isAncestor(run.mergeCommit, tip))) return merged(run);
        const found = await d.repo.findTrailer(target, runTrailer, run.id);
        if (found) return merged(d.store.runs.update(run.id, { mergeCommit: found }));
        const t = task(run);
        const extraFiles = await statusFiles(
          { repo: d.repo, plansDir: d.plansDir, readme: d.readme, epicMarker: d.epicMarker, modules: d.modules, ...(d.sources ? { sources: d.sources } : {}) },
          tip,
          t,
          { status: 'complete', fields: { status: 'complete', merged: new Date().toISOString().slice(0, 10) } },
        );
        const squash = await d.repo.squashMerge({
          target: tip,
          source: run.commitSha ?? run.branch,
          message: commitMessage(d.commitTemplate, t),
          extraFiles,
          trailers: { [runTrailer]: run.id, 'Orch-Task': t.id },
        });
        if (!squash.ok) {
          // W7: a real rebase onto the moved target; its conflicts go to the agent (same session), then to a human.
          // The squash stays the final landing.
          const r = await rebaseSteps.rebase(run, t, target, tip);
          if (r.kind === 'clean' || (r.kind === 'current' && r.run.commitSha !== run.commitSha)) {
            run = r.run;
            continue;
          }
          if (r.kind !== 'current') return afterRebase(r, 'merging');
          return park(run, `merge into ${target} conflicts in ${squash.conflicts.join(', ')}; resolve it on ${run.branch} (worktree ${run.worktree}), then orch resume ${run.taskId}`);
        }
        run = d.store.runs.update(run.id, { mergeCommit: squash.commit });
        const adv = await d.repo.advanceBranch({ branch: target, from: tip, to: squash.commit, mayBeDirty: mayStayDirty(d.plansDir) });
        if (adv.ok) return merged(run);
        if (adv.reason === 'moved') continue;
        const reason =
          adv.reason === 'dirty'
            ? `merge waits: ${target} is checked out with uncommitted changes (${adv.detail}); commit or stash them and Orch merges`
            : `merge waits: ${adv.detail}`;
        if (run.waitingReason !== reason) {
          d.store.runs.update(run.id, { waitingReason: reason });
          d.emit('run.waiting', run.taskId, run.id, { reason });
          log(run.id, 'orch', reason);
        }
        return 'wait';
      }
      return 'wait';
    });
  }

  function merged(run: RunRow): StepResult {
    log(run.id, 'orch', `merged into ${run.targetBranch} as ${run.mergeCommit?.slice(0, 10)}`);
    setState(run, 'cleanup', { waitingReason: null });
    d.store.tasks.setStatus(run.taskId, 'complete');
    d.emit('task.status', run.taskId, run.id, { status: 'complete', mergeCommit: run.mergeCommit });
    d.onSettled();
    return 'continue';
  }


  /** A maintenance run whose agent found nothing to change: done, with nothing merged. */
  function nothingToChange(run: RunRow): StepResult {
    log(run.id, 'orch', `${NOTHING_TO_CHANGE}; nothing merged`);
    setState(run, 'cleanup', { waitingReason: null });
    d.store.tasks.setStatus(run.taskId, 'complete', NOTHING_TO_CHANGE);
    d.emit('task.status', run.taskId, run.id, { status: 'complete', note: NOTHING_TO_CHANGE, mergeCommit: null });
    d.onSettled();
    return 'continue';
  }

  /** The agent failed while resolving a conflicting rebase: the conflict goes to a human, the rebase stays in progress. */
  async function rebaseGaveUp(run: RunRow, error: string): Promise<StepResult> {
    log(run.id, 'orch', `agent failed on the conflict: ${error}`);
    return afterRebase(await rebaseSteps.giveUp(run, task(run), targetName(run)), 'committed');
  }

  return { commit, review, merge, rebaseGaveUp };
}
