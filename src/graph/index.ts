export type { GraphNode, NodeStatus, SchedulableNode, StatusOf } from './types.js';
export { findCycles, formatCycle } from './cycles.js';
export { readySet, dependents, transitiveDependents, type ReadyOptions } from './ready.js';
export { dispatchOrder, descendantCounts, startedModules } from './order.js';
export { stronglyConnected } from './scc.js';
