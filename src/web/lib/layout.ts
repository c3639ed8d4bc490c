import { Graph, layout } from '@dagrejs/dagre';

export interface GraphTask {
  id: string;
  module: string;
  status: string;
  title: string;
  dependsOn: string[];
  /** A collapsed module drawn as one node: how many tasks it stands for. */
  count?: number;
}

/** Above this many tasks the graph opens with each module folded to one node; a click unfolds it. */
export const COLLAPSE_AT = 500;
/** The id of a folded module's node (no task id starts with it). */
export const MODULE_NODE = '▸';

const rank: Record<string, number> = { failed: 0, in_progress: 1, needs_review: 2, not_started: 3, complete: 4 };

/**
 * The graph with every module not in `expanded` folded to one node: its dependencies are those of its tasks on other
 * modules (or on their folded nodes), its status the least finished of its tasks'. Folded nodes go together in one
 * group, laid out as a graph of modules.
 */
export function foldModules(tasks: GraphTask[], expanded: ReadonlySet<string>): GraphTask[] {
  const folded = (m: string): boolean => !expanded.has(m);
  const nodeOf = new Map(tasks.map((t) => [t.id, folded(t.module) ? `${MODULE_NODE}${t.module}` : t.id]));
  const out: GraphTask[] = [];
  const groups = new Map<string, GraphTask>();
  for (const t of tasks) {
    const deps = t.dependsOn.map((d) => nodeOf.get(d) ?? d);
    if (!folded(t.module)) {
      out.push({ ...t, dependsOn: [...new Set(deps)] });
      continue;
    }
    const id = `${MODULE_NODE}${t.module}`;
    let g = groups.get(id);
    if (!g) {
      g = { id, module: MODULE_NODE, status: t.status, title: t.module, dependsOn: [], count: 0 };
      groups.set(id, g);
      out.push(g);
    }
    g.count = (g.count ?? 0) + 1;
    if ((rank[t.status] ?? 3) < (rank[g.status] ?? 3)) g.status = t.status;
    for (const d of deps) if (d !== id && !g.dependsOn.includes(d)) g.dependsOn.push(d);
  }
  return out;
}

/** A short digest of what decides a layout (ids and edges, not statuses): the key of the layout cache. */
export function shapeKey(tasks: GraphTask[]): string {
  let h = 0x811c9dc5;
  let n = 0;
  for (const t of tasks) {
    const part = `${t.id}<${t.dependsOn.join(',')}|`;
    for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
    n += part.length;
  }
  return `${tasks.length}.${n}.${(h >>> 0).toString(36)}`;
}

export interface Placed {
  nodes: Array<{ id: string; x: number; y: number; w: number; h: number; status: string; title: string; module: string; count?: number }>;
  edges: Array<{ from: string; to: string; points: Array<{ x: number; y: number }>; blocked: 'no' | 'pending' | 'failed' }>;
  width: number;
  height: number;
  ms: number;
}

export const NODE_W = 150;
export const NODE_H = 34;

/** One module's tasks laid out by dagre, left to right, dependencies first. */
function layoutGroup(group: GraphTask[], byId: Map<string, GraphTask>) {
  const g = new Graph({ multigraph: false });
  // PERF: longest-path ranking; network simplex took minutes on a 2,000-task plan (bench/web.ts).
  g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 60, marginx: 20, marginy: 20, ranker: 'longest-path' });
  g.setDefaultEdgeLabel(() => ({}));
  const inGroup = new Set(group.map((t) => t.id));
  for (const t of group) g.setNode(t.id, { width: NODE_W, height: NODE_H });
  for (const t of group) for (const d of t.dependsOn) if (inGroup.has(d) && byId.has(d)) g.setEdge(d, t.id);
  layout(g);
  const gl = g.graph() as { width?: number; height?: number };
  return { g, width: gl.width ?? 0, height: gl.height ?? 0 };
}

/**
 * Lays out the dependency graph with dagre, one module at a time (modules stacked in order), so that the cost
 * grows with the largest module rather than the whole plan. Edges inside a module follow dagre's routes; an edge
 * between modules is a straight line. An edge is blocked while its dependency is not complete: `failed` when the
 * dependency failed, `pending` otherwise.
 */
export function layoutTasks(tasks: GraphTask[]): Placed {
  const t0 = performance.now();
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const modules = new Map<string, GraphTask[]>();
  for (const t of tasks) modules.set(t.module, [...(modules.get(t.module) ?? []), t]);
  const pos = new Map<string, { x: number; y: number }>();
  const nodes: Placed['nodes'] = [];
  const edges: Placed['edges'] = [];
  const blockedOf = (dep: GraphTask | undefined): 'no' | 'pending' | 'failed' => (dep?.status === 'complete' ? 'no' : dep?.status === 'failed' ? 'failed' : 'pending');
  let top = 0;
  let width = 0;
  for (const group of modules.values()) {
    const { g, width: w, height: h } = layoutGroup(group, byId);
    for (const t of group) {
      const n = g.node(t.id) as { x: number; y: number };
      pos.set(t.id, { x: n.x, y: n.y + top });
      nodes.push({ id: t.id, x: n.x, y: n.y + top, w: NODE_W, h: NODE_H, status: t.status, title: t.title, module: t.module, ...(t.count !== undefined ? { count: t.count } : {}) });
    }
    for (const e of g.edges()) {
      const points = ((g.edge(e) as { points?: Array<{ x: number; y: number }> }).points ?? []).map((p) => ({ x: p.x, y: p.y + top }));
      edges.push({ from: e.v, to: e.w, points, blocked: blockedOf(byId.get(e.v)) });
    }
    top += h + 30;
    width = Math.max(width, w);
  }
  for (const t of tasks) {
    for (const d of t.dependsOn) {
      const a = pos.get(d);
      const b = pos.get(t.id);
      if (!a || !b || byId.get(d)?.module === t.module) continue;
      edges.push({ from: d, to: t.id, points: [{ x: a.x + NODE_W / 2, y: a.y }, { x: b.x - NODE_W / 2, y: b.y }], blocked: blockedOf(byId.get(d)) });
    }
  }
  return { nodes, edges, width, height: top, ms: performance.now() - t0 };
}
