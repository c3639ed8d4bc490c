export type {
  Category, RiskyCategory, Decision, Reason, ReviewContext, ProjectRule, DiffFile, DiffLine, DiffHunkLine, FileStatus,
} from './types.js';
export { categories, projectRuleSchema } from './types.js';
export { parseDiff } from './diff.js';
export { classifyDiff, classifyFiles, classifyChange, DEFAULT_MAX_CHANGED_LINES } from './classify.js';
export { formatDecision } from './format.js';
export { parseCodeowners, ownersOf, type OwnerRule } from './codeowners.js';
export { matchGlob } from '../glob/index.js';
