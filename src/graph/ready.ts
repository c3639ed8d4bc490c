import { indexGraph, reverseEdges } from './indexed.js';
import type { GraphNode, StatusOf } from './types.js';

export interface ReadyOptions {
  /** Also offer tasks whose last run failed. Default false: a failed task waits for a human or a retry policy. */
  retryFailed?: boolean;
}

/**
 * Tasks that can start now: not started (or failed, with `retryFailed`) and every dependency complete.
 * A task the caller knows nothing about counts as not started; an unknown dependency as not complete.
 * Keeps the input order; use `dispatchOrder` to rank the result.
 */
export function readySet<T extends GraphNode>(tasks: readonly T[], statusOf: StatusOf, options: ReadyOptions = {}): T[] {
  return tasks.filter((task) => {
    const status = statusOf(task.id) ?? 'not_started';
    const startable = status === 'not_started' || (options.retryFailed === true && status === 'failed');
    return startable && task.dependsOn.every((dep) => statusOf(dep) === 'complete');
  });
}

/** id -> ids that depend on it directly, sorted. Ids nobody depends on map to an empty list. */
export function dependents(nodes: readonly GraphNode[]): Map<string, string[]> {
  const { ids, deps, byId } = indexGraph(nodes);
  const reversed = reverseEdges(deps, byId);
  return new Map(ids.map((id, v) => [id, reversed[v]!.map((w) => ids[w]!)]));
}

/** Every id that depends on `id`, directly or through others, sorted; never `id` itself. */
export function transitiveDependents(nodes: readonly GraphNode[], id: string): string[] {
  const { ids, indexOf, deps, byId } = indexGraph(nodes);
  const start = indexOf.get(id);
  if (start === undefined) return [];
  const reversed = reverseEdges(deps, byId);
  const seen = new Uint8Array(ids.length);
  seen[start] = 1;
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    for (const w of reversed[queue[head]!]!) {
      if (seen[w] === 1) continue;
      seen[w] = 1;
      queue.push(w);
    }
  }
  return queue.slice(1).map((v) => ids[v]!).sort();
}
