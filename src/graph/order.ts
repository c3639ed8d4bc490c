import type { Priority } from '../plans/types.js';
import { compareStrings, indexGraph, reverseEdges } from './indexed.js';
import { stronglyConnected } from './scc.js';
import type { GraphNode, SchedulableNode, StatusOf } from './types.js';

const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, low: 2 };

/**
 * How many tasks that are not complete depend on each task, directly or transitively.
 * Exact (a diamond counts its bottom once), so it cannot be a sum over children: every strongly connected
 * component gets a bitset of the nodes it reaches, built in the order Tarjan emits components, where
 * everything a component reaches is already done. Worst case O(E * V/32) time and V^2/8 bytes.
 * PERF: bits are numbered in emission order and each set remembers the span of words it uses, which keeps
 * sets narrow when reach is local. Measured on 5,000 nodes (50 module chains of 100, 450 cross-module edges,
 * so most sets are genuinely wide), 2 busy cores, best of 40: 16.7 ms with full-width sets, 8.5 ms with spans;
 * readySet + dispatchOrder 12 ms; the first, cold call about 90 ms.
 */
export function descendantCounts(nodes: readonly GraphNode[], statusOf: StatusOf): Map<string, number> {
  const { ids, deps, byId } = indexGraph(nodes);
  const n = ids.length;
  const out = reverseEdges(deps, byId);
  const components = stronglyConnected(out, byId);
  const words = (n + 31) >>> 5;
  const bits = new Int32Array(components.length * words);
  // Span of words in use per component: [lo, hi), empty when lo >= hi.
  const lo = new Int32Array(components.length).fill(words);
  const hi = new Int32Array(components.length);
  const componentOf = new Int32Array(n);
  const unfinished = new Uint8Array(n);
  ids.forEach((id, v) => (unfinished[v] = statusOf(id) === 'complete' ? 0 : 1));
  const counts = new Map<string, number>();
  let position = 0;
  components.forEach((members, c) => {
    const base = c * words;
    let from = words;
    let to = 0;
    for (const v of members) {
      componentOf[v] = c;
      if (unfinished[v] === 0) continue;
      const bit = position++;
      const word = bit >>> 5;
      bits[base + word]! |= 1 << (bit & 31);
      from = Math.min(from, word);
      to = Math.max(to, word + 1);
    }
    for (const v of members) {
      for (const w of out[v]!) {
        const d = componentOf[w]!;
        // Components are emitted after everything they reach, so `d` is finished unless it is `c` itself.
        if (d === c) continue;
        const dLo = lo[d]!;
        const dHi = hi[d]!;
        const src = d * words;
        for (let i = dLo; i < dHi; i++) bits[base + i]! |= bits[src + i]!;
        from = Math.min(from, dLo);
        to = Math.max(to, dHi);
      }
    }
    lo[c] = from;
    hi[c] = to;
    let reach = 0;
    for (let i = from; i < to; i++) reach += popcount(bits[base + i]!);
    // Members of a cycle reach each other but not themselves.
    for (const v of members) counts.set(ids[v]!, reach - unfinished[v]!);
  });
  return counts;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Modules with at least one task complete or in progress. */
export function startedModules(tasks: readonly SchedulableNode[], statusOf: StatusOf): Set<string> {
  const started = new Set<string>();
  for (const task of tasks) {
    const status = statusOf(task.id);
    if (status === 'complete' || status === 'in_progress') started.add(task.module);
  }
  return started;
}

/**
 * Ranks ready tasks for dispatch, best first (a new array):
 * 1. priority high, medium, low;
 * 2. more unfinished tasks transitively unblocked first;
 * 3. tasks of a module already started (something complete or in progress) first;
 * 4. module name, then epic number, then id, ascending, so the order never depends on input order.
 */
export function dispatchOrder<T extends SchedulableNode>(
  ready: readonly T[],
  allTasks: readonly SchedulableNode[],
  statusOf: StatusOf,
): T[] {
  const unblocks = descendantCounts(allTasks, statusOf);
  const started = startedModules(allTasks, statusOf);
  const key = (task: T) => ({
    task,
    priority: PRIORITY_RANK[task.priority] ?? PRIORITY_RANK.medium,
    unblocks: unblocks.get(task.id) ?? 0,
    started: started.has(task.module) ? 0 : 1,
  });
  return ready
    .map(key)
    .sort(
      (a, b) =>
        a.priority - b.priority ||
        b.unblocks - a.unblocks ||
        a.started - b.started ||
        compareStrings(a.task.module, b.task.module) ||
        a.task.epic - b.task.epic ||
        compareStrings(a.task.id, b.task.id),
    )
    .map((k) => k.task);
}
