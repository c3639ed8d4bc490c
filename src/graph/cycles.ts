import { compareStrings, indexGraph } from './indexed.js';
import { stronglyConnected } from './scc.js';
import type { GraphNode } from './types.js';

/**
 * One cycle per strongly connected component that has one (and every self-loop), as ids in dependency
 * order: `['a', 'b']` means a depends on b and b depends on a. Each cycle starts at the smallest id of its
 * component and is the shortest way back to it; cycles are sorted by their first id.
 * Listing every elementary cycle instead could be exponential, and one per component names the problem.
 */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  const { ids, deps, byId } = indexGraph(nodes);
  const cycles: string[][] = [];
  for (const component of stronglyConnected(deps, byId)) {
    const first = component[0]!;
    if (component.length === 1 && !deps[first]!.includes(first)) continue;
    const members = new Set(component);
    const start = component.reduce((a, b) => (compareStrings(ids[a]!, ids[b]!) <= 0 ? a : b));
    cycles.push(shortestCycle(start, deps, members).map((v) => ids[v]!));
  }
  return cycles.sort((a, b) => compareStrings(a[0]!, b[0]!));
}

/** Breadth-first from `start` inside its component until an edge leads back to `start`. */
function shortestCycle(start: number, deps: readonly (readonly number[])[], members: ReadonlySet<number>): number[] {
  const parent = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of deps[v]!) {
      if (w === start) return pathTo(v, parent);
      if (!members.has(w) || parent.has(w)) continue;
      parent.set(w, v);
      queue.push(w);
    }
  }
  // Unreachable for a real component: every member reaches every other.
  throw new Error(`no cycle through node ${start}`);
}

function pathTo(end: number, parent: ReadonlyMap<number, number>): number[] {
  const path: number[] = [];
  for (let v = end; v !== -1; v = parent.get(v)!) path.push(v);
  return path.reverse();
}

/** `a -> b -> a`: the form cycle errors use. */
export function formatCycle(cycle: readonly string[]): string {
  return [...cycle, cycle[0] ?? ''].join(' -> ');
}
