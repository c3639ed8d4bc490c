import { z } from 'zod';

/**
 * Workflows (G5): the steps a change goes through. `code` is the coder's turn and the project's checks; `review` is a
 * read-only reviewer that approves, requests changes (back to the coder's session) or flags for a person; `test` is a
 * tester that writes or runs tests. `orch show --json` carries each run's steps as `workflow`.
 */
export const WORKFLOW_STEPS = ['code', 'review', 'test'] as const;
export const WorkflowStepName = z.enum(WORKFLOW_STEPS);
export type WorkflowStepName = z.infer<typeof WorkflowStepName>;

export const WorkflowStepStatus = z.enum(['pending', 'running', 'done', 'approved', 'changes_requested', 'flagged', 'passed', 'failed']);
export type WorkflowStepStatus = z.infer<typeof WorkflowStepStatus>;

export const WorkflowStep = z.object({
  name: WorkflowStepName,
  role: z.enum(['coder', 'reviewer', 'tester']),
  status: WorkflowStepStatus,
  /** Times this step sent the change back to the coder. */
  rounds: z.number(),
  /** The agent (name under [agents] or backend id) and model that played the role, once it ran. */
  agent: z.string().nullable(),
  model: z.string().nullable(),
  /** The step's last verdict in a line, and its comments (review) or failures (test). */
  summary: z.string().nullable(),
  comments: z.array(z.string()),
  /** The commit the step last looked at (review, test) or made (test). */
  commit: z.string().nullable(),
  costUsd: z.number(),
  tokens: z.number(),
});
export type WorkflowStep = z.infer<typeof WorkflowStep>;

/** A run's workflow: its spec as written (`code -> review -> test`) and each step. */
export const Workflow = z.object({ spec: z.string(), steps: z.array(WorkflowStep) });
export type Workflow = z.infer<typeof Workflow>;

const ROLE: Record<WorkflowStepName, WorkflowStep['role']> = { code: 'coder', review: 'reviewer', test: 'tester' };

/**
 * `code -> review -> test` as step names; an error says what is wrong. `code` comes first; each step at most once.
 * `→` works as well as `->`.
 */
export function parseWorkflow(text: string): { ok: true; steps: WorkflowStepName[] } | { ok: false; error: string } {
  const parts = text.split(/->|→/).map((p) => p.trim().toLowerCase());
  if (parts.some((p) => p === '')) return { ok: false, error: `"${text}" has an empty step; join steps with "->", e.g. "code -> review -> test"` };
  for (const p of parts) {
    if (!(WORKFLOW_STEPS as readonly string[]).includes(p)) return { ok: false, error: `unknown step "${p}"; steps are ${WORKFLOW_STEPS.join(', ')}` };
  }
  if (parts[0] !== 'code') return { ok: false, error: `a workflow starts with code (the coder), e.g. "code -> ${parts.join(' -> ')}"` };
  const seen = new Set<string>();
  for (const p of parts) {
    if (seen.has(p)) return { ok: false, error: `step "${p}" appears twice; each step runs once per round` };
    seen.add(p);
  }
  return { ok: true, steps: parts as WorkflowStepName[] };
}

/** A workflow whose steps have not run yet. */
export function freshWorkflow(steps: readonly WorkflowStepName[]): Workflow {
  return {
    spec: steps.join(' -> '),
    steps: steps.map((name) => ({ name, role: ROLE[name], status: 'pending', rounds: 0, agent: null, model: null, summary: null, comments: [], commit: null, costUsd: 0, tokens: 0 })),
  };
}
