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

/**
 * Lays out the dependency graph with dagre (left to right, dependencies first). An edge is blocked while its
 * dependency is not complete: `failed` when the dependency failed, `pending` otherwise.
 */
export function layoutTasks(tasks: GraphTask[]): Placed {
  const t0 = performance.now();
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 60, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const t of tasks) g.setNode(t.id, { width: NODE_W, height: NODE_H });
  for (const t of tasks) for (const d of t.dependsOn) if (byId.has(d)) g.setEdge(d, t.id);
  layout(g);
  const nodes = tasks.map((t) => {
    const n = g.node(t.id) as { x: number; y: number };
    return { id: t.id, x: n.x, y: n.y, w: NODE_W, h: NODE_H, status: t.status, title: t.title, module: t.module };
  });
  const edges = g.edges().map((e) => {
    const dep = byId.get(e.v);
    const points = (g.edge(e) as { points?: Array<{ x: number; y: number }> }).points ?? [];
    const blocked: 'no' | 'pending' | 'failed' = dep?.status === 'complete' ? 'no' : dep?.status === 'failed' ? 'failed' : 'pending';
    return { from: e.v, to: e.w, points, blocked };
  });
  const gl = g.graph() as { width?: number; height?: number };
  return { nodes, edges, width: gl.width ?? 0, height: gl.height ?? 0, ms: performance.now() - t0 };
}
