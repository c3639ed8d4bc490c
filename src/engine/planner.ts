import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Signal } from '../api/index.js';
import type { ModuleInfo } from '../plans/index.js';
import type { Store, TaskRow } from '../store/index.js';
import { buildPrompt, type TemplateDirs } from './prompt.js';
import type { BackendFor, ContainFor } from './ports.js';
import { oneShotTurn } from './one-shot.js';
import type { Usage } from '../agents/index.js';

export interface PlannerDeps {
  store: Store;
  backendFor: BackendFor;
  containFor?: ContainFor;
  /** The agent of the planner role (`roles.planner`, "" = the default agent). */
  agentName: string;
  modules: () => ModuleInfo[];
  templateDirs: TemplateDirs;
  targetBranch: string;
  timeoutMs: number;
  /** Where the planner's scratch directory goes; it never works in a worktree or the user's checkout. */
  scratchDir: string;
  note: (runId: string, msg: string) => void;
  answer: (signalId: string, text: string, by: string) => void;
  /** The planner is done with this question (answered or left to a human). */
  settled?: (sig: Signal) => void;
  /** The planner left the question to a human (escalated, no answer, failed), with why: a person must be told. */
  escalated?: (sig: Signal, why: string) => void;
  /** O3: why no agent may start a turn for this run now (a spent budget): the question is left to a person. */
  hold?: (runId: string) => string | undefined;
  /** The planner's usage, counted on the run whose question it answered (budgets see it there). */
  charge?: (runId: string, usage: Usage, costUsd: number) => void;
}

const OUTLINE_LIMIT = 200;

/** Every other task of the plan, one line each, for the planner's view of the whole. */
export function planOutline(tasks: TaskRow[], except: string): string {
  const lines = tasks
    .filter((t) => t.id !== except && !t.removedAt && t.source === 'plan')
    .map((t) => `- ${t.id} ${t.title} [${t.status}]${t.description ? `: ${t.description.slice(0, 200)}` : ''}`);
  if (lines.length > OUTLINE_LIMIT) return [...lines.slice(0, OUTLINE_LIMIT), `- ... and ${lines.length - OUTLINE_LIMIT} more`].join('\n');
  return lines.join('\n') || '- (no other tasks)';
}

/**
 * Questions an agent addresses to the orchestrator (A7) are answered by the planner role's agent from the plan's
 * context: the task, its module overview, merged dependencies and an outline of the plan. The planner runs in an
 * empty scratch directory with no MCP server, so it can read nothing it was not given and change nothing. When it
 * escalates, fails or times out, the question stays open for a human, with the reason in the run's log.
 */
export function createPlanner(d: PlannerDeps) {
  const stopping = new AbortController();
  /** Runs with a question the planner is working on. */
  const busy = new Map<string, number>();

  async function answer(sig: Signal): Promise<void> {
    const task = d.store.tasks.get(sig.taskId);
    if (!task) return;
    const held = d.hold?.(sig.runId);
    if (held) {
      const why = `the planner did not answer: ${held}`;
      d.note(sig.runId, `${why}; question ${sig.id} waits for a human (orch answer ${sig.id} "...")`);
      d.escalated?.(sig, why);
      return;
    }
    let agent;
    try {
      agent = d.backendFor(d.agentName || 'default');
    } catch (e) {
      d.note(sig.runId, `planner not available (${(e as Error).message}); question ${sig.id} waits for a human`);
      return;
    }
    const deps = task.dependsOn.map((id) => d.store.tasks.get(id)).filter((x): x is TaskRow => !!x);
    let cwd: string | undefined;
    try {
      // A broken `planner-answer` override is reported like any other planner failure.
      const prompt = buildPrompt(
        { task, moduleOverview: d.modules().find((m) => m.name === task.module)?.overview, completedDeps: deps, targetBranch: d.targetBranch },
        d.templateDirs,
        'planner-answer',
        { question: sig.text, plan_outline: planOutline(d.store.tasks.list(), task.id) },
      );
      cwd = mkdtempSync(join(d.scratchDir, 'planner-'));
      d.note(sig.runId, `question ${sig.id} goes to the planner (${agent.name})`);
      const outcome = await oneShotTurn(agent, { runId: `${sig.runId}-planner`, cwd, prompt, contain: d.containFor?.({ cwd, backendId: agent.backendId }) }, { timeoutMs: d.timeoutMs, signal: stopping.signal });
      d.charge?.(sig.runId, outcome.usage, outcome.costUsd ?? 0);
      const text = outcome.resultText.trim();
      const escalated = /^\s*ESCALATE:\s*(.*)$/ims.exec(text);
      if (!outcome.ok || !text || escalated) {
        const why = escalated ? `the planner escalated: ${escalated[1]?.trim() || 'no reason'}` : outcome.ok ? 'the planner gave no answer' : `the planner failed: ${outcome.error ?? 'unknown error'}`;
        d.note(sig.runId, `${why.slice(0, 500)}; question ${sig.id} waits for a human (orch questions)`);
        d.escalated?.(sig, why.slice(0, 500));
        return;
      }
      d.note(sig.runId, `the planner answered question ${sig.id}`);
      d.answer(sig.id, text, `planner (${agent.name})`);
    } catch (e) {
      d.note(sig.runId, `the planner failed: ${(e as Error).message}; question ${sig.id} waits for a human`);
      d.escalated?.(sig, `the planner failed: ${(e as Error).message.slice(0, 300)}`);
    } finally {
      if (cwd) rmSync(cwd, { recursive: true, force: true });
    }
  }

  return {
    /** Starts answering; never throws (a failure leaves the question to a human). */
    answer(sig: Signal): void {
      busy.set(sig.runId, (busy.get(sig.runId) ?? 0) + 1);
      void answer(sig).finally(() => {
        const n = (busy.get(sig.runId) ?? 1) - 1;
        if (n > 0) busy.set(sig.runId, n);
        else busy.delete(sig.runId);
        d.settled?.(sig);
      });
    },
    /** Whether the planner is still answering a question of this run. */
    busyFor: (runId: string): boolean => busy.has(runId),
    shutdown(): void {
      stopping.abort(new Error('shutdown'));
    },
  };
}
