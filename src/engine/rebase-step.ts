import { plural } from '../api/index.js';
import type { RunRow, Store, TaskRow } from '../store/index.js';
import type { Decision } from '../review/index.js';
import type { RebaseOutcome, RepoPort } from './ports.js';
import { savedRefFor } from './names.js';
import { saveRunHead } from './saved.js';

/** What a rebase of a run's branch came to, for the caller to turn into a state. */
export type RebaseStep =
  | { kind: 'current'; run: RunRow }
  | { kind: 'clean'; run: RunRow }
  | { kind: 'agent'; run: RunRow; prompt: string }
  | { kind: 'human'; run: RunRow; reason: string };

export interface RebaseStepDeps {
  store: Store;
  repo: RepoPort;
  /** How many times a conflict goes back to the agent before a human is asked. */
  maxAttempts: number;
  log: (runId: string, line: string) => void;
  /** Puts the needs-human label on the run's pull request, when there is one. */
  flag?: (run: RunRow) => Promise<void>;
}

type Conflict = { path: string; hunks: string };

export function conflictPrompt(target: string, commit: string, conflicts: readonly Conflict[]): string {
  return [
    `${target} moved while your work waited to merge. Orch is rebasing your branch onto it (a \`git rebase\` is in progress in this directory), and replaying your commit "${commit}" conflicts in:`,
    ...conflicts.map((c) => `- ${c.path}`),
    '',
    `The conflicting hunks (the side after <<<<<<< is ${target} with your earlier commits; the side before >>>>>>> is your commit):`,
    ...conflicts.flatMap((c) => ['', `${c.path}:`, '````', c.hunks, '````']),
    '',
    'Resolve every conflict marker (<<<<<<< ======= >>>>>>>) keeping both intents, and make the tests pass. Do not commit and do not run `git rebase` yourself: Orch continues the rebase and publishes the result.',
  ].join('\n');
}

/**
 * W7: when the target moves, a run's branch is rebased onto it (real `git rebase` in the run's worktree). A clean
 * rebase is silent; a conflict goes back to the agent that made the branch, in its session, with the conflicting
 * hunks, and only when the agent does not resolve it (or after `maxAttempts`) to a human. The old head is saved
 * under the run's saved ref before anything is rewritten.
 */
export function createRebaseSteps(d: RebaseStepDeps) {
  async function toHuman(run: RunRow, t: TaskRow, target: string, files: readonly string[]): Promise<RebaseStep> {
    const decision: Decision = run.review ? (JSON.parse(run.review) as Decision) : { category: 'routine', flagged: false, reasons: [] };
    const reasons = files.map((file) => ({ category: decision.category, rule: 'conflict/unresolved', file, detail: `rebase onto ${target} conflicts and the agent did not resolve it` }));
    run = d.store.runs.update(run.id, { review: JSON.stringify({ ...decision, flagged: true, reasons: [...reasons, ...decision.reasons.filter((r) => r.rule !== 'conflict/unresolved')] }) });
    await d.flag?.(run);
    d.store.tasks.setStatus(t.id, 'needs_review', `conflict with ${target} in ${files.join(', ')}`);
    const reason = `rebase onto ${target} conflicts in ${files.join(', ')}; the agent did not resolve it after ${plural(run.fixAttempts, 'attempt')}. Resolve the conflicts in ${run.worktree} (the rebase is in progress there), then orch pr merge ${t.id}; or orch resume ${t.id} --guidance "..." to give the agent another go${run.prUrl ? ` (${run.prUrl})` : ''}`;
    return { kind: 'human', run, reason };
  }

  async function conflicted(run: RunRow, t: TaskRow, target: string, files: readonly string[], prompt: string): Promise<RebaseStep> {
    if (run.fixAttempts >= d.maxAttempts) return toHuman(run, t, target, files);
    run = d.store.runs.update(run.id, { fixAttempts: run.fixAttempts + 1 });
    d.log(run.id, `${target} moved and conflicts with this branch in ${files.join(', ')}; back to the agent (attempt ${run.fixAttempts} of ${d.maxAttempts})`);
    return { kind: 'agent', run, prompt };
  }

  async function settle(run: RunRow, t: TaskRow, target: string, r: RebaseOutcome): Promise<RebaseStep> {
    if (!r.ok) return conflicted(run, t, target, r.conflicts.map((c) => c.path), conflictPrompt(target, r.commit, r.conflicts));
    run = d.store.runs.update(run.id, { commitSha: r.head });
    d.log(run.id, `rebased ${run.branch} onto ${target}: head ${r.head.slice(0, 10)}${r.skipped.length ? ` (dropped to regenerate: ${r.skipped.join('; ')})` : ''}`);
    return { kind: 'clean', run };
  }

  return {
    /** Rebases the branch onto `onto` (the sha of `target`) unless it already sits on it. */
    async rebase(run: RunRow, t: TaskRow, target: string, onto: string): Promise<RebaseStep> {
      const head = await d.repo.revParse(`refs/heads/${run.branch}`);
      if (!head) throw new Error(`branch ${run.branch} of run ${run.id} is gone; its work is under ${savedRefFor(run.id)} if it was saved`);
      if ((await d.repo.isAncestor(onto, head)) || !(await d.repo.worktreeExists(run.worktree))) {
        // A rebase that finished before a crash left the branch ahead of the recorded commit: the branch is the truth.
        if (run.commitSha !== head && (await d.repo.isAncestor(onto, head))) run = d.store.runs.update(run.id, { commitSha: head });
        return { kind: 'current', run };
      }
      // Never lose commits: the pre-rebase head stays reachable whatever happens next.
      await saveRunHead(d.repo, run.id, head);
      d.log(run.id, `${target} moved to ${onto.slice(0, 10)}; rebasing ${run.branch} (old head ${head.slice(0, 10)} saved as ${savedRefFor(run.id)})`);
      // Intent before the act: after a crash mid-rebase the run already knows its new base.
      run = d.store.runs.update(run.id, { baseSha: onto, savedRef: savedRefFor(run.id) });
      return settle(run, t, target, await d.repo.rebase(run.worktree, onto));
    },
    /** Straight to a person: the files that still hold conflict markers are the reason. */
    async giveUp(run: RunRow, t: TaskRow, target: string): Promise<RebaseStep> {
      const markers = await d.repo.conflictMarkers(run.worktree);
      return toHuman(run, t, target, markers.length > 0 ? markers : ['(rebase in progress)']);
    },
    /** After the agent (or a person) worked on a rebase in progress: markers left go back, else the rebase goes on. */
    async resume(run: RunRow, t: TaskRow, target: string): Promise<RebaseStep> {
      const markers = await d.repo.conflictMarkers(run.worktree);
      if (markers.length > 0) {
        const prompt = `Conflict markers (<<<<<<< ======= >>>>>>>) are still in:\n${markers.map((m) => `- ${m}`).join('\n')}\n\nThe rebase onto ${target} is still in progress in this directory. Resolve every conflict marker keeping both intents. Do not commit and do not run \`git rebase\` yourself.`;
        return conflicted(run, t, target, markers, prompt);
      }
      return settle(run, t, target, await d.repo.continueRebase(run.worktree));
    },
  };
}

export type RebaseSteps = ReturnType<typeof createRebaseSteps>;
