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
  /** A module's name above its tasks (folded modules name themselves). */
  labels: Array<{ text: string; x: number; y: number }>;
  width: number;
  height: number;
  ms: number;
}

export const NODE_W = 150;
export const NODE_H = 34;
/** Room above a module's block for its name; between blocks; between the rows of a wrapped module. */
const LABEL_H = 22;
const GAP = 40;
const ROW_GAP = 24;
const MARGIN = 20;

/** The box shapes a layout is made for (width / height): a layout per bucket is cached, not one per window size. */
const ASPECTS = [0.5, 1, 1.5, 2, 3];
export const aspectBucket = (aspect: number): number =>
  ASPECTS.reduce((best, a) => (Math.abs(Math.log(a / aspect)) < Math.abs(Math.log(best / aspect)) ? a : best), 2);

type Pt = { x: number; y: number };

/** One module's tasks laid out by dagre, left to right, dependencies first. */
function layoutGroup(group: GraphTask[], byId: Map<string, GraphTask>) {
  const g = new Graph({ multigraph: false });
  // PERF: longest-path ranking; network simplex took minutes on a 2,000-task plan (bench/web.ts).
  g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 60, marginx: MARGIN, marginy: MARGIN, ranker: 'longest-path' });
  g.setDefaultEdgeLabel(() => ({}));
  const inGroup = new Set(group.map((t) => t.id));
  for (const t of group) g.setNode(t.id, { width: NODE_W, height: NODE_H });
  for (const t of group) for (const d of t.dependsOn) if (inGroup.has(d) && byId.has(d)) g.setEdge(d, t.id);
  layout(g);
  const gl = g.graph() as { width?: number; height?: number };
  const pos = new Map<string, Pt>(group.map((t) => [t.id, g.node(t.id) as Pt]));
  const edges = g.edges().map((e) => ({ from: e.v, to: e.w, points: ((g.edge(e) as { points?: Pt[] }).points ?? []).map((p) => ({ x: p.x, y: p.y })) }));
  return { pos, edges, width: gl.width ?? 0, height: gl.height ?? 0 };
}

/** A module's layout, cut between its columns into rows no wider than `maxW` (a long chain wraps like text). */
function wrap(b: ReturnType<typeof layoutGroup>, maxW: number) {
  const columns = [...new Set([...b.pos.values()].map((p) => p.x))].sort((x, y) => x - y);
  const rowOf = new Map<number, { row: number; x0: number }>();
  let row = 0;
  let x0 = columns.length ? columns[0]! - NODE_W / 2 - MARGIN : 0;
  let width = 0;
  let inRow = 0;
  for (const x of columns) {
    if (x + NODE_W / 2 + MARGIN - x0 > maxW && inRow > 0) {
      row++;
      inRow = 0;
      x0 = x - NODE_W / 2 - MARGIN;
    }
    inRow++;
    rowOf.set(x, { row, x0 });
    width = Math.max(width, x + NODE_W / 2 + MARGIN - x0);
  }
  const rows = row + 1;
  const place = (p: Pt, at: { row: number; x0: number }): Pt => ({ x: p.x - at.x0, y: p.y + at.row * (b.height + ROW_GAP) });
  const pos = new Map([...b.pos].map(([id, p]) => [id, place(p, rowOf.get(p.x)!)] as const));
  const edges = b.edges.map((e) => {
    const [ra, rb] = [rowOf.get(b.pos.get(e.from)!.x)!, rowOf.get(b.pos.get(e.to)!.x)!];
    if (ra.row === rb.row) return { ...e, points: e.points.map((p) => place(p, ra)) };
    // Across a wrap: out of the dependency's right side, down between the rows, into the task's left side.
    const [a, z] = [pos.get(e.from)!, pos.get(e.to)!];
    const mid = ra.row * (b.height + ROW_GAP) + b.height + ROW_GAP / 2;
    return { ...e, points: [{ x: a.x + NODE_W / 2, y: a.y }, { x: a.x + NODE_W / 2 + 10, y: mid }, { x: z.x - NODE_W / 2 - 10, y: mid }, { x: z.x - NODE_W / 2, y: z.y }] };
  });
  return { pos, edges, width: columns.length ? width : 0, height: rows * b.height + (rows - 1) * ROW_GAP };
}

/**
 * Lays out the dependency graph with dagre, one module at a time, so that the cost grows with the largest module
 * rather than the whole plan. The modules' blocks are then packed in rows to the shape of the box they are shown in
 * (`aspect`, width / height: "Fit" fills it), a module wider than a row wrapping onto more rows of its own. Edges inside
 * a module follow dagre's routes; an edge between modules is a straight line. An edge is blocked while its dependency
 * is not complete: `failed` when the dependency failed, `pending` otherwise.
 */
export function layoutTasks(tasks: GraphTask[], aspect = 2): Placed {
  const t0 = performance.now();
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const modules = new Map<string, GraphTask[]>();
  for (const t of tasks) {
    let list = modules.get(t.module);
    if (!list) modules.set(t.module, (list = []));
    list.push(t);
  }
  const blocks = [...modules].map(([name, group]) => ({ name, ...layoutGroup(group, byId) }));
  // The row width that gives the whole the box's shape, were the blocks cut to fit; never narrower than one column.
  const area = blocks.reduce((a, b) => a + (b.width + GAP) * (b.height + GAP + LABEL_H), 0);
  const rowW = Math.max(NODE_W + 2 * MARGIN, Math.sqrt(area * aspect), ...blocks.map((b) => Math.min(b.width, NODE_W * 4)));
  const pos = new Map<string, Pt>();
  const nodes: Placed['nodes'] = [];
  const edges: Placed['edges'] = [];
  const labels: Placed['labels'] = [];
  const blockedOf = (dep: GraphTask | undefined): 'no' | 'pending' | 'failed' => (dep?.status === 'complete' ? 'no' : dep?.status === 'failed' ? 'failed' : 'pending');
  // Shelves: blocks left to right in plan order, a new shelf when the next does not fit.
  let x = 0;
  let top = 0;
  let shelfH = 0;
  let width = 0;
  for (const block of blocks) {
    const b = block.width > rowW ? wrap(block, rowW) : block;
    if (x > 0 && x + b.width > rowW) {
      top += shelfH + GAP;
      x = 0;
      shelfH = 0;
    }
    const named = block.name !== MODULE_NODE;
    const dy = top + (named ? LABEL_H : 0);
    if (named) labels.push({ text: block.name, x: x + MARGIN, y: top + LABEL_H - 4 });
    for (const t of modules.get(block.name)!) {
      const p = b.pos.get(t.id)!;
      const at = { x: p.x + x, y: p.y + dy };
      pos.set(t.id, at);
      nodes.push({ id: t.id, ...at, w: NODE_W, h: NODE_H, status: t.status, title: t.title, module: t.module, ...(t.count !== undefined ? { count: t.count } : {}) });
    }
    for (const e of b.edges) edges.push({ from: e.from, to: e.to, points: e.points.map((p) => ({ x: p.x + x, y: p.y + dy })), blocked: blockedOf(byId.get(e.from)) });
    x += b.width + GAP;
    width = Math.max(width, x - GAP);
    shelfH = Math.max(shelfH, b.height + (named ? LABEL_H : 0));
  }
  for (const t of tasks) {
    for (const d of t.dependsOn) {
      const a = pos.get(d);
      const b = pos.get(t.id);
      if (!a || !b || byId.get(d)?.module === t.module) continue;
      edges.push({ from: d, to: t.id, points: [{ x: a.x + NODE_W / 2, y: a.y }, { x: b.x - NODE_W / 2, y: b.y }], blocked: blockedOf(byId.get(d)) });
    }
  }
  return { nodes, edges, labels, width, height: top + shelfH, ms: performance.now() - t0 };
}
