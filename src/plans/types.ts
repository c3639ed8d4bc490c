/** A task as read from the plan files. Pure data: no store state. */
export interface PlanTask {
  /** `<module>/E<NN>`, NN zero-padded to at least two digits. */
  id: string;
  module: string;
  /** The epic number (E05 -> 5). */
  epic: number;
  title: string;
  description: string;
  /** Path relative to the repository root, posix separators. */
  file: string;
  /** Full markdown body of the epic (without frontmatter). */
  body: string;
  priority: Priority;
  /** Resolved dependency ids (implicit + explicit + prose), deduplicated, sorted. */
  dependsOn: string[];
  /** Where each dependency came from, for `orch list --json` and error messages. */
  dependencySources: DependencySource[];
  needsReview: boolean;
  touches: string[];
  conflictsWith: string[];
  /** Files the run must leave (frontmatter `deliverables`, or a daily task file's), checked after the agent finishes. */
  deliverables?: string[];
  /** A daily task file's `estimated_complexity` (P4): low, medium or high; the report sets time against it. */
  complexity?: 'low' | 'medium' | 'high';
  agent?: string;
  model?: string;
  /** Steps after the coder (`code -> review -> test`); unset = the project's `[workflow] default`. */
  workflow?: string;
  /** Status read from the plan: README table mark or epic marker comment; undefined when the plan says nothing. */
  planStatus?: PlanStatus;
  /** Fields of the `<!-- orch: k=v, ... -->` marker at the top of the epic, if it has one. */
  marker?: Record<string, string>;
}

export type Priority = 'high' | 'medium' | 'low';
export type PlanStatus = 'not_started' | 'in_progress' | 'complete';

export interface DependencySource {
  id: string;
  kind: 'implicit' | 'frontmatter' | 'prose';
  /** 1-based line in the epic file where it was declared (implicit: 1). */
  line: number;
}

export interface ModuleInfo {
  name: string;
  /** Folder relative to the repo root, e.g. docs/plans/billing-module */
  dir: string;
  /** Content of 00-overview.md, if any. */
  overview?: string;
}

/** A problem in the plan. `file` is relative to the repo root; `line` is 1-based (0: the problem has no line, e.g. a missing folder). */
export interface PlanIssue {
  severity: 'error' | 'warning';
  code:
    | 'cycle'
    | 'unknown_dependency'
    | 'duplicate_id'
    | 'bad_frontmatter'
    | 'bad_field'
    | 'bad_filename'
    | 'missing_title'
    | 'no_plans_dir'
    | 'unsafe_file'
    | 'too_large'
    | 'readme_unknown_task'
    | 'source_error'
    | 'not_ready';
  file: string;
  line: number;
  message: string;
  /** What the user should do about it. */
  fix: string;
}

export interface ParsedPlan {
  root: string;
  plansDir: string;
  modules: ModuleInfo[];
  tasks: PlanTask[];
  /** Errors make the whole plan invalid: callers must not store anything. Warnings are reported only. */
  issues: PlanIssue[];
}
