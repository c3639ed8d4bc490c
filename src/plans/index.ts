export type {
  DependencySource,
  ModuleInfo,
  ParsedPlan,
  PlanIssue,
  PlanStatus,
  PlanTask,
  Priority,
} from './types.js';
export { parsePlan, type ParseOptions } from './parse.js';
export { createPlanFileCache, type PlanFileCache } from './files.js';
export { parseEpic, type EpicDraft } from './epic.js';
export { formatIssue, hasErrors } from './issues.js';
export { setReadmeStatus, rowNames, rowIndex, taskFinder } from './readme.js';
export { readmeRows, readmeTable, STATUS_EMOJI, type ReadmeRow, type RowTarget, type UnreadableRow } from './readme-table.js';
export { setEpicMarker, parseMarker, markerStatus } from './marker.js';
export { formatTaskId, isModuleName, moduleName, parseTaskRef, taskKey, type TaskRef } from './ids.js';
export { EPIC_FILE } from './files.js';
export { splitFrontmatter, parseFrontmatterYaml, type KeyLines } from './frontmatter.js';
export { withMovedLinks, withoutRows, withStatusTable, type TableEpic } from './status-table.js';
export { staleDuplicateRows, withoutStaleRows, type StaleRow } from './stale-rows.js';
