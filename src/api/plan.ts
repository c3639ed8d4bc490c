import { z } from 'zod';
import { PlanIssue } from './schemas.js';

/** `orch plan decompose FILE [--module M]`: the spec's text travels in the request (the CLI reads the file). */
export const DecomposeRequest = z.strictObject({
  /** The spec's file name as the user gave it, for the branch name and messages. */
  name: z.string().min(1).max(500),
  spec: z.string().min(1).max(200_000),
  module: z.string().min(1).max(100).optional(),
});
export type DecomposeRequest = z.input<typeof DecomposeRequest>;

export const PlanDiffTask = z.object({
  id: z.string(),
  title: z.string(),
  file: z.string(),
  dependsOn: z.array(z.string()),
  /** For a changed epic: what changed (title, body, priority, dependsOn, touches, needsReview, file). */
  fields: z.array(z.string()).optional(),
});
export type PlanDiffTask = z.infer<typeof PlanDiffTask>;

/** `orch plan diff [BRANCH]`: what a plan branch changes against the point it left the target branch. */
export const PlanDiff = z.object({
  branch: z.string(),
  target: z.string(),
  /** The merge base of the branch and the target: what the branch is compared with. */
  base: z.string(),
  added: z.array(PlanDiffTask),
  changed: z.array(PlanDiffTask),
  removed: z.array(PlanDiffTask),
  /** Problems of the branch's plan (it should have none: decompose validates before it commits). */
  issues: z.array(PlanIssue),
});
export type PlanDiff = z.infer<typeof PlanDiff>;

export const DecomposeResult = z.object({
  ok: z.boolean(),
  /** The branch created (`plan/<slug>`), when ok. */
  branch: z.string().nullable(),
  target: z.string(),
  commit: z.string().nullable(),
  files: z.array(z.object({ path: z.string(), change: z.enum(['added', 'changed']) })),
  diff: PlanDiff.nullable(),
  attempts: z.number(),
  /** When not ok: the problems of the planner's last proposal, as the parser reported them. */
  issues: z.array(PlanIssue),
  problems: z.array(z.string()),
  error: z.string().nullable(),
});
export type DecomposeResult = z.infer<typeof DecomposeResult>;
