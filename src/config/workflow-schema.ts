import { z } from 'zod';

/** What a workflow (`code -> review -> test`) may name: `code` first, then review and test steps in any order. */
const WORKFLOW = /^\s*code\s*((->|→)\s*(review|test)\s*)*$/;

const stepFields = (role: 'reviewer' | 'tester', minutes: number, what: string) => ({
  agent: z
    .string()
    .default('')
    .describe(`Agent of the ${what} step: a name under [agents] or a backend id. "" = [roles] ${role}, then [agent].`),
  model: z.string().default('').describe(`Model of the ${what} step, overriding its agent's. "" = the agent's model.`),
  max_rounds: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(2)
    .describe(`How many times the ${what} step may send the change back to the coder (same session) before a person is asked.`),
  timeout_minutes: z.number().int().min(1).max(1440).default(minutes).describe(`A ${what} turn still going after this many minutes counts as no verdict.`),
});

export const WorkflowSchema = z
  .object({
    default: z
      .string()
      .regex(WORKFLOW, 'must be steps joined by "->", starting with code: "code", "code -> review", "code -> review -> test"')
      .default('code')
      .describe(
        'Steps of every task without `workflow:` in its frontmatter. "code" = the coder, then the project\'s checks (the built-in default). "code -> review -> test" adds a read-only reviewer that approves, requests changes (back to the coder) or flags, then a tester that writes and runs tests.',
      ),
    review: z.object(stepFields('reviewer', 20, 'review')).prefault({}).describe('The review step: a read-only agent reads the diff against the epic.'),
    test: z.object(stepFields('tester', 30, 'test')).prefault({}).describe('The test step: an agent writes or runs tests for the change; its tests are committed and the checks run again.'),
  })
  .describe('Workflows (G5): the steps a change goes through after the coder, before it merges.');

export type WorkflowConfig = z.output<typeof WorkflowSchema>;
