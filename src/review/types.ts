import { z } from 'zod';
import { checkGlob, GLOB_LIMITS } from '../glob/index.js';

export const categories = ['security', 'migrations', 'architecture', 'routine'] as const;
export type Category = (typeof categories)[number];
export type RiskyCategory = Exclude<Category, 'routine'>;

/** A project-specific rule from config: paths (globs) and/or patterns (regex sources) that flag a category. */
export const projectRuleSchema = z.object({
  category: z.enum(['security', 'migrations', 'architecture']),
  paths: z
    .array(z.string().superRefine((g, ctx) => {
      const bad = checkGlob(g);
      if (bad) ctx.addIssue({ code: 'custom', message: bad });
    }))
    .max(GLOB_LIMITS.count)
    .optional(),
  patterns: z.array(z.string()).optional(),
  reason: z.string(),
});
export type ProjectRule = z.infer<typeof projectRuleSchema>;

export interface ReviewContext {
  /** Content of the repository's CODEOWNERS file. */
  codeowners?: string;
  /** Owners (e.g. `@org/security`) whose files always need a human. */
  reviewOwners?: readonly string[];
  rules?: readonly ProjectRule[];
  /** The task's `needs_review: true`. */
  needsReview?: boolean;
  /** Added plus removed lines above which the change is too large to judge; default 2000. */
  maxChangedLines?: number;
}

export interface Reason {
  category: Category;
  /** Stable id of the rule that fired, e.g. `security/aws-key`. */
  rule: string;
  file: string;
  /** Line in the new file (for removed lines: where they were removed). */
  line?: number;
  detail: string;
}

export interface Decision {
  category: Category;
  flagged: boolean;
  reasons: Reason[];
}

export interface DiffLine {
  /** Line number in the new file; for a removed line, the new-file line where it was removed. */
  line: number;
  /** Line number in the old file (removed and context lines). */
  oldLine?: number;
  text: string;
}

export type FileStatus = 'added' | 'deleted' | 'modified' | 'renamed';

export interface DiffHunkLine extends DiffLine {
  kind: 'add' | 'del' | 'ctx';
}

export interface DiffFile {
  path: string;
  oldPath?: string;
  status: FileStatus;
  binary: boolean;
  added: DiffLine[];
  removed: DiffLine[];
  /** Every hunk line in order, context included, for rules that need to know the enclosing section. */
  lines: DiffHunkLine[];
  /** The enclosing function or section git prints after each `@@ ... @@`, with the hunk's first new line. */
  sections: Array<{ line: number; text: string }>;
}
