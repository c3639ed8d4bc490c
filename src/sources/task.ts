import type { DependencySource, PlanTask, Priority } from '../plans/index.js';

export interface TaskFields {
  id: string;
  /** The group a task belongs to for `--module`: `gh`, `backlog`, the Beads epic... */
  module: string;
  /** A number for ordering inside the module (issue number, task number); 0 when the source has none. */
  epic: number;
  title: string;
  body: string;
  /** Repo-relative file, or a URL for tasks that live in a tracker. */
  file: string;
  description?: string;
  priority?: Priority;
  dependsOn?: readonly string[];
  /** 1-based lines of each dependency in `file`, when known. */
  dependencyLines?: ReadonlyMap<string, number>;
  touches?: string[];
  needsReview?: boolean;
  planStatus?: PlanTask['planStatus'];
}

/** A PlanTask from a source other than the markdown plan: same shape, so the store and the graph treat all alike. */
export function makeTask(f: TaskFields): PlanTask {
  const deps = [...new Set(f.dependsOn ?? [])].filter((d) => d !== f.id).sort();
  const sources: DependencySource[] = deps.map((id) => ({ id, kind: 'frontmatter', line: f.dependencyLines?.get(id) ?? 1 }));
  return {
    id: f.id,
    module: f.module,
    epic: f.epic,
    title: f.title.trim() || f.id,
    description: f.description ?? firstParagraph(f.body),
    file: f.file,
    body: f.body,
    priority: f.priority ?? 'medium',
    dependsOn: deps,
    dependencySources: sources,
    needsReview: f.needsReview ?? false,
    touches: f.touches ?? [],
    conflictsWith: [],
    ...(f.planStatus ? { planStatus: f.planStatus } : {}),
  };
}

/** The first paragraph of markdown text that is not a heading, a list marker line or a comment. */
export function firstParagraph(body: string): string {
  for (const block of body.split(/\n\s*\n/)) {
    const text = block.trim();
    if (!text || text.startsWith('#') || text.startsWith('<!--')) continue;
    return text.replace(/\s*\n\s*/g, ' ').slice(0, 500);
  }
  return '';
}
