import { z } from 'zod';

/** One lesson (O5): an `Action:` of a feedback file, or what a low rating said, added to later coder prompts. */
export const Lesson = z.object({
  id: z.string(),
  text: z.string(),
  /** A module name, or "project" (every task). */
  scope: z.string(),
  /** `feedback/2026-12-03.md:14`. */
  source: z.string(),
  /** The task the feedback was about, as resolved (`2026-12-03/task-002`, `billing/E03`); null for none. */
  taskId: z.string().nullable(),
  rating: z.number().nullable(),
});
export type Lesson = z.infer<typeof Lesson>;

/** `orch lessons --json` (`GET /api/lessons`): the lessons in use, and each feedback file that was not used and why. */
export const LessonList = z.object({
  lessons: z.array(Lesson),
  /** Removed with `orch lessons remove` (their files still hold them). */
  removed: z.array(z.string()),
  /** `feedback/2026-12-03.md:7: Rating "7/5" is not a rating; ...`: such a file gives no lesson until it is fixed. */
  problems: z.array(z.string()),
});
export type LessonList = z.infer<typeof LessonList>;
