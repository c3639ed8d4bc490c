/** Who moves a run on: which agent plays a reviewing or testing role (from the config), and when only a person can. */
import type { Config } from '../config/index.js';
import type { RunRow } from '../store/index.js';
import type { BackendFor, ResolvedAgent } from './ports.js';

/** `[review] reviewer_agent`: "reviewer" is the reviewer role (unless an agent has that name), else an agent name or backend id. */
export function reviewerAgent(cfg: Config, resolve: BackendFor | undefined): (() => ResolvedAgent) | undefined {
  const name = cfg.review.reviewer_agent;
  if (!name || !resolve) return undefined;
  const key = name === 'reviewer' && !cfg.agents.reviewer ? cfg.roles.reviewer || 'default' : name;
  return () => resolve(key);
}

/** `[workflow.review|test] agent`, else the role (`[roles] reviewer|tester`), else [agent]. */
export function workflowAgent(cfg: Config, role: 'reviewer' | 'tester', resolve: BackendFor): ResolvedAgent {
  const step = role === 'reviewer' ? cfg.workflow.review : cfg.workflow.test;
  return resolve(step.agent || cfg.roles[role] || 'default');
}

/**
 * A run only a person moves on: flagged for review, a question, stuck, a conflict. Not one that retries by itself,
 * whose question the planner is still answering, or that a budget paused (a raise resumes it within its batch).
 */
export function waitsForAPerson(r: RunRow, plannerBusy: (runId: string) => boolean): boolean {
  return (
    (r.state === 'waiting' && !r.waitingReason?.startsWith('retrying') && !r.waitingReason?.startsWith('paused') && !plannerBusy(r.id)) ||
    (r.state === 'merging' && (r.waitingReason?.startsWith('merge waits:') ?? false))
  );
}
