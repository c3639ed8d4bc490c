import { plural } from '../api/index.js';
import type { RunRow, Store, TaskRow } from '../store/index.js';
import type { Config } from '../config/index.js';
import type { ForgePort, RepoPort } from './ports.js';
import type { Decision } from '../review/index.js';
import type { Verification, Workflow } from '../api/index.js';
import { statusFiles, writesStatus } from './writeback.js';
import type { PlanSource } from '../sources/index.js';
import type { ModuleInfo } from '../plans/index.js';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RebaseStep, RebaseSteps } from './rebase-step.js';

export type ForgeStep =
  | { kind: 'merged'; run: RunRow }
  | { kind: 'wait'; reason: string }
  | { kind: 'park'; reason: string }
  | { kind: 'fix'; prompt: string }
  /** The target moved and the branch was rebased onto it: clean (published, checks run again) or conflicting. */
  | { kind: 'rebase'; step: RebaseStep }
  | { kind: 'fail'; error: string };

export interface ForgeStepDeps {
  store: Store;
  repo: RepoPort;
  forge: ForgePort;
  cfg: Config['forge'];
  plansDir: string;
  readme: boolean;
  epicMarker: boolean;
  modules: () => ModuleInfo[];
  /** Sources whose tasks keep their status in repository files (Backlog.md): those travel in the PR too. */
  sources?: readonly PlanSource[];
  title: (t: TaskRow) => string;
  log: (runId: string, line: string) => void;
  rebaseSteps: RebaseSteps;
}

const fmtUsd = (n: number): string => `$${n.toFixed(4)}`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The project's own commands on the change: one summary line, and a section with each command's output tail. */
export function verificationMarkdown(results: readonly Verification[] | null): { summary: string; section: string[] } {
  if (!results || results.length === 0) return { summary: 'none configured (set `commands.test` in .orch/config.toml)', section: [] };
  const mark = (v: Verification) => (v.ok ? '✅ passed' : v.timedOut ? '⏱️ timed out' : '❌ failed');
  const summary = results.map((v) => `${v.kind} ${mark(v)} in ${secs(v.durationMs)}`).join(', ');
  const section = ['## Test results', '', '| command | result | duration |', '|---|---|---|'];
  for (const v of results) section.push(`| \`${v.command.replaceAll('|', '\\|')}\` (${v.kind}) | ${mark(v)}${v.exitCode !== null && !v.ok ? `, exit code ${v.exitCode}` : ''} | ${secs(v.durationMs)} |`);
  for (const v of results) {
    const tail = v.outputTail.length > 2000 ? `…${v.outputTail.slice(-2000)}` : v.outputTail;
    section.push('', `<details><summary>${v.kind} output (last lines)</summary>`, '', '```', tail.replaceAll('```', "'''") || '(no output)', '```', '</details>');
  }
  section.push('');
  return { summary, section };
}

/** G5: each workflow step of the run (code -> review -> test) with its verdict, for the PR body. */
export function workflowMarkdown(run: RunRow): string[] {
  if (!run.workflow) return [];
  const wf = JSON.parse(run.workflow) as Workflow;
  const lines = ['## Workflow', '', `\`${wf.spec}\``, '', '| step | role | agent | result | rounds back to the coder | cost |', '|---|---|---|---|---|---|'];
  const cell = (t: string): string => t.replaceAll('|', '\\|').replaceAll('\n', ' ');
  for (const s of wf.steps) {
    lines.push(`| ${s.name} | ${s.role} | ${s.agent ? cell(`${s.agent}${s.model ? ` (${s.model})` : ''}`) : ''} | ${s.status.replace('_', ' ')}${s.summary ? `: ${cell(s.summary.slice(0, 300))}` : ''} | ${s.rounds} | ${s.name === 'code' ? '' : fmtUsd(s.costUsd)} |`);
  }
  for (const s of wf.steps.filter((x) => x.comments.length)) {
    lines.push('', `<details><summary>${s.name} step: ${s.name === 'review' ? 'comments' : 'failures'}</summary>`, '', ...s.comments.map((c) => `- ${c.replaceAll('```', "'''")}`), '', '</details>');
  }
  lines.push('');
  return lines;
}

export function prBody(run: RunRow, t: TaskRow, epicUrl: string): string {
  const decision = run.review ? (JSON.parse(run.review) as Decision) : undefined;
  const minutes = run.startedAt ? Math.max(1, Math.round((Date.now() - Date.parse(run.startedAt)) / 60000)) : 0;
  const tokens = run.inputTokens + run.outputTokens + run.cacheReadTokens + run.cacheWriteTokens;
  const tests = verificationMarkdown(run.verification ? (JSON.parse(run.verification) as Verification[]) : null);
  return [
    `## ${t.id}: ${t.title}`,
    '',
    t.description || '(no description in the epic)',
    '',
    `Epic: [${t.file}](${epicUrl})`,
    '',
    '## Run',
    '',
    `| | |`,
    `|---|---|`,
    `| run | \`${run.id}\` (${run.backend}${run.model ? `, ${run.model}` : ''}) |`,
    `| duration | ${minutes} min |`,
    `| tokens | ${tokens.toLocaleString('en-US')} (${run.inputTokens} in, ${run.outputTokens} out, ${run.cacheReadTokens} cache read, ${run.cacheWriteTokens} cache write) |`,
    `| cost | ${fmtUsd(run.costUsd)} |`,
    `| tests | ${tests.summary}${run.fixAttempts ? `; the agent went back to fix checks or conflicts ${plural(run.fixAttempts, 'time')}` : ''} |`,
    '',
    ...tests.section,
    ...workflowMarkdown(run),
    '## Review routing',
    '',
    decision
      ? `**${decision.category}**${decision.flagged ? ' — waits for a human' : ' — merges by itself once checks pass'}\n\n${decision.reasons.map((r) => `- \`${r.file}${r.line ? `:${r.line}` : ''}\` ${r.detail} (${r.rule})`).join('\n')}`
      : 'not classified',
    '',
    `<!-- orch-run: ${run.id} -->`,
  ].join('\n');
}

/**
 * The forge half of a run (W3, W4, W6): push, find-or-open the PR, wait for checks, send failures back to the
 * agent, merge. Every call is safe to repeat after a crash: push is idempotent, the PR is found before one is
 * opened, a merged PR is recognised.
 */
export function createForgeSteps(d: ForgeStepDeps) {
  const lastPoll = new Map<string, number>();
  /** What the PR body last described, per run (see publish). */
  const bodies = new Map<string, string>();

  async function publish(run: RunRow, t: TaskRow): Promise<RunRow | string> {
    if (writesStatus(d, t.id, true) && (await d.repo.worktreeExists(run.worktree))) {
      // The plan's 🟢 travels inside the PR: it becomes true exactly when the PR is merged. Only files that change
      // are written, so this is a no-op once done, and regenerates the status after a rebase dropped it.
      const files = await statusFiles(
        { repo: d.repo, plansDir: d.plansDir, readme: d.readme, epicMarker: d.epicMarker, modules: d.modules, ...(d.sources ? { sources: d.sources } : {}) },
        run.commitSha ?? `refs/heads/${run.branch}`,
        t,
        { status: 'complete', fields: { status: 'complete', merged: new Date().toISOString().slice(0, 10) } },
      );
      for (const f of files) {
        mkdirSync(dirname(join(run.worktree, f.path)), { recursive: true });
        writeFileSync(join(run.worktree, f.path), f.content);
      }
      if (files.length) {
        const c = await d.repo.commitAll(run.worktree, `chore(plan): complete ${t.id} - ${t.title}`);
        run = d.store.runs.update(run.id, { commitSha: c.sha });
      }
    }
    const pushed = await d.forge.push(run.branch);
    if (!pushed.ok) return `push of ${run.branch} to ${d.cfg.remote} failed: ${pushed.detail}`;
    const body = prBody(run, t, d.forge.fileUrl(run.targetBranch, t.file));
    const pr = await d.forge.ensurePr({ head: run.branch, base: run.targetBranch, title: d.title(t), body });
    // The body follows the change (test results after a fix, review, head); not the clock, so no update per poll.
    const key = JSON.stringify([run.commitSha, run.verification, run.review, run.fixAttempts, run.workflow]);
    if (run.prNumber !== pr.number) {
      d.log(run.id, `pull request #${pr.number} ${pr.url}`);
      run = d.store.runs.update(run.id, { prNumber: pr.number, prUrl: pr.url });
    } else if (bodies.get(run.id) !== key) {
      await d.forge.updatePrBody(pr.number, body);
    }
    bodies.set(run.id, key);
    return run;
  }

  return {
    publish,
    async flag(run: RunRow, t: TaskRow): Promise<RunRow | string> {
      const p = await publish(run, t);
      if (typeof p === 'string' || !p.prNumber) return p;
      await d.forge.addLabels(p.prNumber, [d.cfg.label]);
      return p;
    },
    async step(run: RunRow, t: TaskRow): Promise<ForgeStep> {
      const last = lastPoll.get(run.id) ?? 0;
      if (run.prNumber && Date.now() - last < d.cfg.check_poll_seconds * 1000) return { kind: 'wait', reason: run.waitingReason ?? `checks pending on PR #${run.prNumber}` };
      lastPoll.set(run.id, Date.now());
      let known: Awaited<ReturnType<ForgePort['pr']>> | undefined;
      if (run.prNumber) {
        // A merged PR is never rebased: its branch is already on the target (squashed).
        known = await d.forge.pr(run.prNumber);
        if (known.state === 'merged') return { kind: 'merged', run: d.store.runs.update(run.id, { mergeCommit: known.mergeCommitSha ?? run.mergeCommit }) };
        if (known.state === 'closed') return { kind: 'park', reason: `PR #${run.prNumber} was closed without merging (${run.prUrl ?? ''}); reopen it, or orch stop ${t.id}` };
      }
      // W7: the target moved since the branch was made or last rebased: rebase it (a clean one is silent).
      const tip = await d.forge.fetchTarget(run.targetBranch);
      let rebased = false;
      if (tip) {
        const r = await d.rebaseSteps.rebase(run, t, `${d.cfg.remote}/${run.targetBranch}`, tip);
        if (r.kind === 'agent' || r.kind === 'human') return { kind: 'rebase', step: r };
        rebased = r.kind === 'clean';
        run = r.run;
      }
      const p = await publish(run, t);
      if (typeof p === 'string') return { kind: 'fail', error: p };
      run = p;
      const n = run.prNumber as number;
      if (rebased) return { kind: 'wait', reason: `rebased onto ${run.targetBranch} and pushed; checks run again on PR #${n} ${run.prUrl ?? ''}` };
      // PERF: one pull request read per poll unless this poll pushed a new head.
      const pr = known && known.headSha === run.commitSha ? known : await d.forge.pr(n);
      if (pr.state === 'merged') return { kind: 'merged', run: d.store.runs.update(run.id, { mergeCommit: pr.mergeCommitSha ?? run.mergeCommit }) };
      if (pr.state === 'closed') return { kind: 'park', reason: `PR #${n} was closed without merging (${run.prUrl ?? ''}); reopen it, or orch stop ${t.id}` };
      const checks = await d.forge.checks(pr.headSha);
      if (checks.state === 'none' && d.cfg.required_checks.length > 0) return { kind: 'wait', reason: `waiting for required checks (${d.cfg.required_checks.join(', ')}) on PR #${n} ${run.prUrl ?? ''}` };
      if (checks.state === 'pending') return { kind: 'wait', reason: `checks pending on PR #${n} ${run.prUrl ?? ''}` };
      if (checks.state === 'failure') {
        const list = checks.failing.map((f) => `- ${f.name}${f.summary ? `: ${f.summary}` : ''}${f.url ? ` (${f.url})` : ''}`).join('\n');
        if (run.fixAttempts < d.cfg.max_fix_attempts) {
          d.store.runs.update(run.id, { fixAttempts: run.fixAttempts + 1 });
          return { kind: 'fix', prompt: `The checks of your pull request #${n} failed:\n${list}\n\nFix the code in this directory so they pass. Do not commit or push: Orch does that and runs the checks again.` };
        }
        return { kind: 'park', reason: `checks still failing after ${plural(run.fixAttempts, 'fix attempt')} on PR #${n} ${run.prUrl ?? ''}:\n${list}` };
      }
      const m = await d.forge.merge(n, { sha: pr.headSha, title: d.title(t) });
      if (!m.merged) {
        if (m.reason === 'head-moved') return { kind: 'wait', reason: `PR #${n} head moved; retrying` };
        // The target moved between our fetch and the merge: the next poll rebases onto it.
        const now = await d.forge.fetchTarget(run.targetBranch);
        if (now && !(await d.repo.isAncestor(now, pr.headSha))) return { kind: 'wait', reason: `${run.targetBranch} moved; PR #${n} is rebased on the next poll` };
        return { kind: 'park', reason: `PR #${n} cannot be merged (${m.reason}: ${m.message}); resolve it on ${run.branch}, then orch pr merge ${t.id}` };
      }
      lastPoll.delete(run.id);
      await d.forge.fetchTarget(run.targetBranch);
      return { kind: 'merged', run: d.store.runs.update(run.id, { mergeCommit: m.sha }) };
    },
  };
}

export type ForgeSteps = ReturnType<typeof createForgeSteps>;
