// Plan sources: every place work comes from (markdown plans, daily task files, GitHub issues, Beads, Backlog.md).
export { SOURCE_KINDS, type PlanSource, type SourceKind, type SourceRead, type TaskProgress } from './types.js';
export { createMarkdownSource, MARKDOWN_ID } from './markdown.js';
export { readSources } from './combine.js';
export { createProgressReporter, type ProgressReporter } from './progress.js';
export { configuredSources, type SourceFactories } from './configured.js';
export { makeTask, firstParagraph, type TaskFields } from './task.js';
