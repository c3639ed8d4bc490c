import { z } from 'zod';

const LABEL = z.string().min(1).max(50);

const GitHubSourceSchema = z
  .object({
    label: LABEL.default('orch').describe('Open issues with this label become tasks gh/<number>.'),
    refinement_label: LABEL.default('orch:needs-refinement').describe(
      'Label put on an issue the planner found not ready (with one comment saying what is missing); such an issue never runs.',
    ),
    readiness_check: z
      .boolean()
      .default(true)
      .describe('Ask the planner role whether each new issue is ready (a clear problem, acceptance criteria, a bounded scope) before it becomes a task.'),
    close_on_merge: z.boolean().default(true).describe('Close the issue with a link to the pull request or commit when its work merges.'),
  })
  .describe('GitHub issues as a source (P8). The repository and token are those of [forge].');

const BeadsSourceSchema = z
  .object({
    command: z.string().min(1).default('bd').describe('The Beads CLI (bd), by name on PATH or as a path.'),
    epic: z.string().default('').describe('Only issues under this Beads epic id (e.g. "bd-a3f8"); "" = all ready issues.'),
    claim: z.boolean().default(true).describe('Claim an issue (`bd update --claim`) when its run starts, and set its status as work progresses.'),
    actor: z
      .string()
      .min(1)
      .max(100)
      .default('orch')
      .describe("Who Orch claims and closes issues as (`bd --actor`). An issue in progress under another assignee is someone else's work: Orch never starts it."),
  })
  .describe('Beads (https://github.com/steveyegge/beads) as a source and state store, through `bd ... --json` (P5).');

const BacklogSourceSchema = z
  .object({
    dir: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), { message: 'must be a path inside the repository' })
      .default('backlog')
      .describe('The Backlog.md folder (its tasks/ subfolder holds the task files), relative to the repository root.'),
    done_status: z.string().min(1).default('Done').describe('Status written into a task file when its work merges.'),
    in_progress_status: z.string().min(1).default('In Progress').describe('Status written when a run starts.'),
  })
  .describe('Backlog.md task files (frontmatter id, status, dependencies), read and written back.');

/** A source that is off (`false`, the default) until its table is written. */
function off<T extends z.ZodType>(schema: T, description: string) {
  return z.union([z.literal(false), schema]).default(false).describe(description);
}

export const SourcesSchema = z
  .object({
    markdown: z.boolean().default(true).describe('Read the markdown plan in plans_dir (docs/plans).'),
    github: off(GitHubSourceSchema, 'GitHub issues as a source (P8): a [sources.github] table turns it on (label, refinement_label, readiness_check, close_on_merge); the repository and token are those of [forge].'),
    beads: off(BeadsSourceSchema, 'Beads as a source and state store through `bd ... --json` (P5): a [sources.beads] table turns it on (command, epic, claim).'),
    backlog: off(BacklogSourceSchema, 'Backlog.md task files: a [sources.backlog] table turns it on (dir, done_status, in_progress_status).'),
  })
  .describe('Where tasks come from. Several may be used at once; ids never collide (billing/E01, gh/12, bd-a3f8.1, backlog/task-7). A table being present turns its source on.');

export type SourcesConfig = z.output<typeof SourcesSchema>;
