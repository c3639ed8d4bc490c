import { Graph, layout } from '@dagrejs/dagre';

export interface GraphTask {
  id: string;
  module: string;
  status: string;
  title: string;
  dependsOn: string[];
}

export interface Placed {
  nodes: Array<{ id: string; x: number; y: number; w: number; h: number; status: string; title: string; module: string }>;
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
      nodes.push({ id: t.id, x: n.x, y: n.y + top, w: NODE_W, h: NODE_H, status: t.status, title: t.title, module: t.module });
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
