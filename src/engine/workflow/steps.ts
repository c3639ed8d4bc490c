import { freshWorkflow, parseWorkflow, type Verification, type Workflow, type WorkflowStep, plural } from '../../api/index.js';
import type { AgentOutcome } from '../../agents/index.js';
import type { WorkflowConfig } from '../../config/workflow-schema.js';
import type { Reason } from '../../review/index.js';
import type { RunRow, Store, TaskRow } from '../../store/index.js';
import type { Emit } from '../emit.js';
import { failingSummary } from '../gates.js';
import { chargeRun } from '../meter.js';
import { oneShotTurn } from '../one-shot.js';
import { RUN_ENV_KEY, type ContainFor, type RepoPort, type ResolvedAgent } from '../ports.js';
import { changesPrompt, parseReview, parseTest, reviewPrompt, testFailedPrompt, testPrompt, type RoleVerdict } from './prompts.js';

export interface WorkflowDeps {
  store: Store;
  repo: RepoPort;
  cfg: WorkflowConfig;
  /** The agent of a role: the reviewer read-only, the tester with write tools. Throws when it is not configured. */
  agentFor: (role: 'reviewer' | 'tester') => ResolvedAgent;
  containFor?: ContainFor;
  verify?: (worktree: string, signal?: AbortSignal) => Promise<Verification[]>;
  /** The project's test command as one line, for the tester's prompt. */
  testCommand?: string;
  log: (runId: string, line: string) => void;
  emit: Emit;
  /** Daemon shutdown: the step's agent is ended and the step runs again on the next start. */
  signal: AbortSignal;
  /** O3: why no role agent may start a turn for this run now (a spent budget), or undefined. */
  hold?: (run: RunRow) => string | undefined;
}

/** Where a run goes after its workflow steps. */
export type Advance =
  | { kind: 'done'; run: RunRow; flag?: Reason[] }
  | { kind: 'coder'; run: RunRow; prompt: string }
  /** A spent budget holds the step's turn: the run waits with `reason`, the step still pending. */
  | { kind: 'held'; run: RunRow; step: WorkflowStep['name']; reason: string }
  | { kind: 'interrupted' };

const DONE: readonly WorkflowStep['status'][] = ['approved', 'passed'];

/** The steps a task goes through: its frontmatter `workflow:`, else `[workflow] default`. */
export function workflowSpec(t: TaskRow, cfg: WorkflowConfig): string {
  const parsed = parseWorkflow(t.workflow ?? cfg.default);
  return parsed.ok ? parsed.steps.join(' -> ') : 'code';
}

/** The run's recorded workflow, or a fresh one for the task's spec (steps kept by name when the spec changed). */
export function runWorkflow(run: RunRow, spec: string): Workflow {
  const parsed = parseWorkflow(spec);
  const fresh = freshWorkflow(parsed.ok ? parsed.steps : ['code']);
  if (!run.workflow) return fresh;
  const old = JSON.parse(run.workflow) as Workflow;
  if (old.spec === fresh.spec) return old;
  return { spec: fresh.spec, steps: fresh.steps.map((s) => old.steps.find((o) => o.name === s.name) ?? s) };
}

/**
 * G5: after the coder's change is committed and its checks pass, the workflow's other steps run in order. A reviewer
 * (read-only) approves, asks for changes (back to the coder's session, up to `max_rounds`) or flags; a tester writes and
 * runs tests, whose commit is checked again by the project's commands. Each step's progress is written on the run
 * before and after it acts, so a restart runs an interrupted step again and never repeats a decided one.
 */
export function createWorkflowSteps(d: WorkflowDeps) {
  const save = (run: RunRow, wf: Workflow): RunRow => d.store.runs.update(run.id, { workflow: JSON.stringify(wf) });
  const announce = (run: RunRow, s: WorkflowStep): void =>
    d.emit('run.step', run.taskId, run.id, { step: s.name, status: s.status, round: s.rounds, agent: s.agent, summary: s.summary });

  /** Adds a role's tokens and cost to its run (the change's cost) and to its step. */
  function charge(run: RunRow, s: WorkflowStep, o: AgentOutcome): RunRow {
    const u = o.usage;
    const cost = o.costUsd ?? 0;
    s.tokens += u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
    s.costUsd += cost;
    const next = chargeRun(d.store, d.emit, run, u, cost);
    return next;
  }

  async function turn(run: RunRow, agent: ResolvedAgent, role: 'reviewer' | 'tester', prompt: string, minutes: number): Promise<AgentOutcome | string> {
    try {
      return await oneShotTurn(
        agent,
        {
          runId: run.id,
          cwd: run.worktree,
          contain: d.containFor?.({ cwd: run.worktree, backendId: agent.backendId, runId: run.id, readOnly: role === 'reviewer' }),
          prompt,
          env: { ...agent.env, [RUN_ENV_KEY]: run.id },
          onLine: (stream, line) => d.log(run.id, `${role} ${stream}: ${line}`),
        },
        { timeoutMs: minutes * 60_000, signal: d.signal },
      );
    } catch (e) {
      return (e as Error).message;
    }
  }

  const flagReason = (s: WorkflowStep, detail: string): Reason => ({ category: 'routine', rule: `workflow/${s.name}${s.agent ? `/${s.agent}` : ''}`, file: `(${s.name} step)`, detail });

  /** The step decided that a person must look: recorded, and handed to review routing as a flag. */
  function flagged(run: RunRow, wf: Workflow, s: WorkflowStep, detail: string): Advance {
    s.status = 'flagged';
    s.summary = detail;
    run = save(run, wf);
    announce(run, s);
    d.log(run.id, `${s.name} step flagged the change: ${detail}`);
    return { kind: 'done', run, flag: [flagReason(s, detail)] };
  }

  /** Back to the coder's session with the step's findings; the steps after `code` run again on the new change. */
  function backToCoder(run: RunRow, wf: Workflow, s: WorkflowStep, status: 'changes_requested' | 'failed', v: RoleVerdict, prompt: (round: number, max: number) => string): Advance {
    const max = d.cfg[s.name === 'test' ? 'test' : 'review'].max_rounds;
    s.status = status;
    s.summary = v.summary;
    s.comments = v.items;
    if (s.rounds >= max) {
      const what = s.name === 'review' ? 'the reviewer still asks for changes' : "the tester's tests still fail";
      return flagged(run, wf, s, `${what} after ${plural(s.rounds, 'round')} with the coder: ${v.summary}${v.items.length ? ` (${v.items.slice(0, 3).join('; ')})` : ''}`);
    }
    s.rounds += 1;
    for (const later of wf.steps) if (later.name !== 'code' && later !== s && later.status !== 'flagged') later.status = 'pending';
    const code = wf.steps.find((x) => x.name === 'code');
    if (code) code.status = 'running';
    run = save(run, wf);
    announce(run, s);
    d.log(run.id, `${s.name} step: ${status.replace('_', ' ')} (${v.summary}); back to the coder's session (round ${s.rounds} of ${max})`);
    return { kind: 'coder', run, prompt: prompt(s.rounds, max) };
  }

  async function review(run: RunRow, t: TaskRow, wf: Workflow, s: WorkflowStep): Promise<Advance | 'next'> {
    const cfg = d.cfg.review;
    let agent: ResolvedAgent;
    try {
      agent = withModel(d.agentFor('reviewer'), cfg.model);
    } catch (e) {
      return flagged(run, wf, s, `no reviewer: ${(e as Error).message}`);
    }
    const head = run.commitSha ?? run.branch;
    Object.assign(s, { status: 'running', agent: agent.name, model: agent.model, commit: head, summary: null });
    run = save(run, wf);
    announce(run, s);
    d.log(run.id, `review step by ${agent.name} (${agent.backendId}${agent.model ? `, ${agent.model}` : ''}, read-only) started`);
    const diff = await d.repo.diff(run.baseSha ?? run.targetBranch, head);
    const out = await turn(run, agent, 'reviewer', reviewPrompt(t, diff, s.rounds + 1, cfg.max_rounds), cfg.timeout_minutes);
    if (d.signal.aborted) return interrupted(run, wf, s);
    if (typeof out === 'string') return flagged(run, wf, s, `the reviewer could not run (${out}); flagged to be safe`);
    run = charge(run, s, out);
    // Read-only is enforced by the reviewer's tools and sandbox; this is the check that it held.
    const touched = await d.repo.changedFiles(run.worktree, head);
    if (touched.length > 0) {
      await d.repo.restoreWorktree(run.worktree);
      return flagged(run, wf, s, `the reviewer changed files it must only read: ${touched.slice(0, 5).join(', ')}`);
    }
    const v = out.ok ? parseReview(out.resultText) : undefined;
    if (!v) return flagged(run, wf, s, `no verdict from the reviewer (${out.ok ? 'its answer had no {"verdict": ...} line' : (out.error ?? 'its turn failed')}); flagged to be safe`);
    d.log(run.id, `review step by ${agent.name}: ${v.verdict} — ${v.summary}${v.items.length ? ` | ${v.items.join(' | ')}` : ''}`);
    if (v.verdict === 'approve') {
      Object.assign(s, { status: 'approved', summary: v.summary, comments: v.items });
      run = save(run, wf);
      announce(run, s);
      return 'next';
    }
    if (v.verdict === 'flag') {
      s.comments = v.items;
      return flagged(run, wf, s, `the reviewer flagged it: ${v.summary}`);
    }
    return backToCoder(run, wf, s, 'changes_requested', v, (round, max) => changesPrompt(agent.name, v.summary, v.items, round, max));
  }

  async function test(run: RunRow, t: TaskRow, wf: Workflow, s: WorkflowStep): Promise<Advance | 'next'> {
    const cfg = d.cfg.test;
    let agent: ResolvedAgent;
    try {
      agent = withModel(d.agentFor('tester'), cfg.model);
    } catch (e) {
      return flagged(run, wf, s, `no tester: ${(e as Error).message}`);
    }
    const head = run.commitSha ?? run.branch;
    Object.assign(s, { status: 'running', agent: agent.name, model: agent.model, commit: head, summary: null });
    run = save(run, wf);
    announce(run, s);
    d.log(run.id, `test step by ${agent.name} (${agent.backendId}${agent.model ? `, ${agent.model}` : ''}) started`);
    const diff = await d.repo.diff(run.baseSha ?? run.targetBranch, head);
    const out = await turn(run, agent, 'tester', testPrompt(t, diff, d.testCommand, s.rounds + 1), cfg.timeout_minutes);
    if (d.signal.aborted) {
      // Half-written tests are dropped: the step runs again from the committed change.
      await d.repo.restoreWorktree(run.worktree);
      return interrupted(run, wf, s);
    }
    if (typeof out === 'string') return flagged(run, wf, s, `the tester could not run (${out}); flagged to be safe`);
    run = charge(run, s, out);
    const c = await d.repo.commitAll(run.worktree, `test(${t.module}): tests for E${String(t.epic).padStart(2, '0')} - ${t.title}`);
    if (c.committed) {
      run = d.store.runs.update(run.id, { commitSha: c.sha });
      s.commit = c.sha;
      d.log(run.id, `test step: the tester's tests committed as ${c.sha.slice(0, 10)}`);
    }
    const failing = await checks(run);
    if (failing === 'interrupted') return interrupted(run, wf, s);
    run = d.store.runs.get(run.id) ?? run;
    const v = out.ok ? parseTest(out.resultText) : undefined;
    if (failing.length > 0) {
      const items = failing.map((f) => `${f.kind} (${f.command}) ${f.timedOut ? 'timed out' : `exit code ${f.exitCode ?? 'none'}`}: …${f.outputTail.slice(-1500)}`);
      const verdict: RoleVerdict = { verdict: 'fail', summary: `the project's checks fail with the tester's tests: ${failingSummary(failing)}`, items: [...(v?.items ?? []), ...items] };
      return backToCoder(run, wf, s, 'failed', verdict, (round, max) => testFailedPrompt(agent.name, verdict.summary, verdict.items, round, max));
    }
    if (!v) return flagged(run, wf, s, `no verdict from the tester (${out.ok ? 'its answer had no {"verdict": ...} line' : (out.error ?? 'its turn failed')}); flagged to be safe`);
    d.log(run.id, `test step by ${agent.name}: ${v.verdict} — ${v.summary}${v.items.length ? ` | ${v.items.join(' | ')}` : ''}`);
    if (v.verdict === 'pass') {
      Object.assign(s, { status: 'passed', summary: v.summary, comments: v.items });
      run = save(run, wf);
      announce(run, s);
      return 'next';
    }
    return backToCoder(run, wf, s, 'failed', v, (round, max) => testFailedPrompt(agent.name, v.summary, v.items, round, max));
  }

  /** The project's checks on the tester's commit; what they leave in the worktree is removed. */
  async function checks(run: RunRow): Promise<Verification[] | 'interrupted'> {
    if (!d.verify) return [];
    const results = await d.verify(run.worktree, d.signal);
    if (results.length > 0 && run.commitSha && (await d.repo.changedFiles(run.worktree, run.commitSha)).length > 0) await d.repo.restoreWorktree(run.worktree);
    if (d.signal.aborted) return 'interrupted';
    if (results.length > 0) {
      d.store.runs.update(run.id, { verification: JSON.stringify(results) });
      d.emit('run.verified', run.taskId, run.id, { results: results.map(({ outputTail: _tail, ...rest }) => rest) });
    }
    return results.filter((v) => !v.ok);
  }

  function interrupted(run: RunRow, wf: Workflow, s: WorkflowStep): Advance {
    s.status = 'pending';
    save(run, wf);
    d.log(run.id, `${s.name} step interrupted by shutdown; it runs again on the next start`);
    return { kind: 'interrupted' };
  }

  return {
    /**
     * Runs the run's pending workflow steps after `code`. `done` (with `flag` when a step wants a person), `coder` when a
     * step sends the change back to the coder's session, `interrupted` on shutdown.
     */
    async advance(run: RunRow, t: TaskRow): Promise<Advance> {
      const spec = workflowSpec(t, d.cfg);
      if (spec === 'code' && !run.workflow) return { kind: 'done', run };
      const wf = runWorkflow(run, spec);
      const code = wf.steps.find((s) => s.name === 'code');
      if (code) Object.assign(code, { status: 'done', commit: run.commitSha, agent: code.agent ?? run.backend, model: code.model ?? run.model });
      run = save(run, wf);
      for (const s of wf.steps) {
        if (s.name === 'code' || DONE.includes(s.status)) continue;
        if (s.status === 'flagged') return { kind: 'done', run, flag: [flagReason(s, s.summary ?? 'flagged')] };
        // The reviewer's and tester's turns spend like the coder's: a spent budget holds them too.
        const held = d.hold?.(run);
        if (held) {
          s.status = 'pending';
          run = save(run, wf);
          return { kind: 'held', run, step: s.name, reason: held };
        }
        const r = s.name === 'review' ? await review(run, t, wf, s) : await test(run, t, wf, s);
        if (r !== 'next') return r;
        run = d.store.runs.get(run.id) ?? run;
      }
      return { kind: 'done', run };
    },
  };
}

/** `[workflow.<step>] model` overrides the agent's model for that step. */
function withModel(a: ResolvedAgent, model: string): ResolvedAgent {
  return model ? { ...a, model } : a;
}

export type WorkflowSteps = ReturnType<typeof createWorkflowSteps>;
