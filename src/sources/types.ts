import type { ModuleInfo, PlanIssue, PlanStatus, PlanTask } from '../plans/index.js';

/** Every place work can come from. A project may use several at once (`[sources]` in the config). */
export const SOURCE_KINDS = ['markdown', 'daily', 'github', 'beads', 'backlog'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What one source read: tasks whose ids it owns, problems (file, line, fix), and modules for context. */
export interface SourceRead {
  tasks: PlanTask[];
  issues: PlanIssue[];
  modules: ModuleInfo[];
}

/** A task's progress, told to the source it came from so it can keep its own state (labels, `bd update`, frontmatter). */
export interface TaskProgress {
  taskId: string;
  status: 'in_progress' | 'complete' | 'failed' | 'not_started' | 'needs_review';
  note?: string;
  /** The pull request the work went through, when there was a forge. */
  prUrl?: string;
  /** The commit that brought the work onto the target branch. */
  mergeCommit?: string;
}

/**
 * One place work comes from. Ids are namespaced per source so two sources can never produce the same id:
 * markdown `<module>/E<NN>`, GitHub `gh/<number>`, Beads the tracker's own `<prefix>-<hash>[.<n>]`, Backlog.md
 * `backlog/task-<n>`. `owns` answers for a source's namespace, whether or not the task exists.
 */
export interface PlanSource {
  readonly kind: SourceKind;
  /** Where the tasks are, for messages: `docs/plans`, `GitHub issues labelled "orch"`, `bd ready`... */
  readonly label: string;
  owns(taskId: string): boolean;
  /** Reads every task. Content problems come back as issues; a source that cannot be read at all rejects. */
  read(signal?: AbortSignal): Promise<SourceRead>;
  /**
   * For a source that keeps its state in files of the repository (Backlog.md frontmatter): those files as they must
   * read once `task` has `status`, given `read` (a file on the target branch's tip). The engine commits them with
   * its own status commits and merges, exactly like the markdown plan's marks: onto the target branch, never
   * leaving a checkout dirty, the final status inside the merge (or the pull request).
   */
  statusFiles?(task: { id: string; file: string }, status: PlanStatus, read: (path: string) => Promise<string | undefined>): Promise<Array<{ path: string; content: string }>>;
  /**
   * Takes the task for Orch before its run prepares anything (Beads' `bd update --claim`). `ok: false` when someone
   * else holds it (another person, another Orch): the run must not start, and `reason` says who and what next.
   */
  claim?(taskId: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Writes progress back where the source keeps state. Best effort: a failure is logged, never fails the run. */
  report?(progress: TaskProgress): Promise<void>;
  /**
   * For a source whose tasks change outside any file (a slow check finished in the background): `changed` asks
   * for a new sync. Called once, by the engine, before the first read.
   */
  watch?(changed: () => void): void;
}
