import type { GraphNode } from './types.js';

/** Nodes as dense integer indexes, adjacency sorted by id so every traversal is deterministic. */
export interface IndexedGraph {
  ids: string[];
  indexOf: Map<string, number>;
  /** deps[v] = indexes v depends on (edge v -> dep). */
  deps: number[][];
  /** Node indexes sorted by id. */
  byId: number[];
}

/** Later duplicates of an id are ignored; dependencies on unknown ids are dropped. */
export function indexGraph(nodes: readonly GraphNode[]): IndexedGraph {
  const ids: string[] = [];
  const indexOf = new Map<string, number>();
  const kept: GraphNode[] = [];
  for (const node of nodes) {
    if (indexOf.has(node.id)) continue;
    indexOf.set(node.id, ids.length);
    ids.push(node.id);
    kept.push(node);
  }
  const byId = ids.map((_, i) => i).sort((a, b) => compareStrings(ids[a]!, ids[b]!));
  const rank = new Int32Array(ids.length);
  byId.forEach((v, r) => (rank[v] = r));
  const deps = kept.map((node) => {
    const out = new Set<number>();
    for (const dep of node.dependsOn) {
      const w = indexOf.get(dep);
      if (w !== undefined) out.add(w);
    }
    return [...out].sort((a, b) => rank[a]! - rank[b]!);
  });
  return { ids, indexOf, deps, byId };
}

/** Reverse every edge: out[u] = nodes that depend on u. Keeps the id order of the input lists. */
export function reverseEdges(deps: readonly (readonly number[])[], byId: readonly number[]): number[][] {
  const out: number[][] = deps.map(() => []);
  for (const v of byId) for (const u of deps[v]!) out[u]!.push(v);
  return out;
}

/** Code-unit order, independent of locale, so output is identical on every machine. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
