import type { Priority } from '../plans/types.js';

/** The least the graph needs to know about a task. Dependencies on ids that are not in the input are ignored. */
export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
}

/** A node the scheduler can order. `PlanTask` satisfies this. */
export interface SchedulableNode extends GraphNode {
  priority: Priority;
  module: string;
  epic: number;
}

/**
 * What the graph needs of a task's state. Callers with richer run states map them first:
 * queued, running, pr_created, needs_review and the like are all `in_progress` here.
 */
export type NodeStatus = 'not_started' | 'in_progress' | 'complete' | 'failed';

/** `undefined` means the caller knows nothing about the id (for a dependency: not complete). */
export type StatusOf = (id: string) => NodeStatus | undefined;
