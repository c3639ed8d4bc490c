import { describe, expect, it } from 'vitest';
import { foldModules, layoutTasks, MODULE_NODE, NODE_H, NODE_W, shapeKey, type GraphTask } from './layout.js';

const t = (id: string, dependsOn: string[] = [], status = 'not_started'): GraphTask => ({ id, module: id.split('/')[0] ?? '', status, title: id, dependsOn });
const plan = [t('a/E01', [], 'complete'), t('a/E02', ['a/E01'], 'failed'), t('b/E01', ['a/E02']), t('b/E02', ['b/E01', 'a/E01']), t('c/E01', ['b/E02'])];

describe('graph folding and layout', () => {
  it('folds every module not expanded to one node with its outside dependencies and its least finished status', () => {
    const g = foldModules(plan, new Set(['b']));
    expect(g.map((n) => [n.id, n.dependsOn, n.status, n.count])).toEqual([
      [`${MODULE_NODE}a`, [], 'failed', 2],
      ['b/E01', [`${MODULE_NODE}a`], 'not_started', undefined],
      ['b/E02', ['b/E01', `${MODULE_NODE}a`], 'not_started', undefined],
      [`${MODULE_NODE}c`, ['b/E02'], 'not_started', 1],
    ]);
    const placed = layoutTasks(g);
    expect(placed.nodes).toHaveLength(4);
    expect(placed.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual([`${MODULE_NODE}a>b/E01`, `${MODULE_NODE}a>b/E02`, `b/E01>b/E02`, `b/E02>${MODULE_NODE}c`].sort());
  });

  it('keys a layout by ids and edges, not by status', () => {
    const recoloured = plan.map((x) => ({ ...x, status: 'complete' }));
    expect(shapeKey(recoloured)).toBe(shapeKey(plan));
    expect(shapeKey(foldModules(plan, new Set(['a'])))).not.toBe(shapeKey(plan));
    expect(shapeKey(plan.map((x) => (x.id === 'c/E01' ? { ...x, dependsOn: [] } : x)))).not.toBe(shapeKey(plan));
  });

  it('packs the modules to the shape of the box, wrapping a long module, with no task over another', () => {
    // 10 modules of 30 tasks, each a chain (one wide band per module), every 10th also on the module before.
    const big: GraphTask[] = [];
    for (let m = 0; m < 10; m++)
      for (let e = 1; e <= 30; e++) big.push(t(`m${m}/E${String(e).padStart(2, '0')}`, [...(e > 1 ? [`m${m}/E${String(e - 1).padStart(2, '0')}`] : []), ...(m > 0 && e % 10 === 0 ? [`m${m - 1}/E${String(e).padStart(2, '0')}`] : [])]));
    const deps = big.reduce((n, x) => n + x.dependsOn.length, 0);
    for (const aspect of [2, 0.5]) {
      const p = layoutTasks(big, aspect);
      expect(p.nodes).toHaveLength(300);
      expect(p.edges).toHaveLength(deps);
      expect(p.labels.map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, m) => `m${m}`));
      // The whole has about the box's shape (it was 30 columns by 10 rows of one task: about 14 to 1).
      const shape = p.width / p.height;
      expect(shape, `${p.width} x ${p.height} for ${aspect}`).toBeGreaterThan(aspect / 2);
      expect(shape, `${p.width} x ${p.height} for ${aspect}`).toBeLessThan(aspect * 2);
      for (const n of p.nodes) {
        expect(n.x - NODE_W / 2).toBeGreaterThanOrEqual(0);
        expect(n.x + NODE_W / 2).toBeLessThanOrEqual(p.width);
        expect(n.y - NODE_H / 2).toBeGreaterThanOrEqual(0);
        expect(n.y + NODE_H / 2).toBeLessThanOrEqual(p.height);
      }
      const sorted = [...p.nodes].sort((a, b) => a.x - b.x);
      for (let i = 0; i < sorted.length; i++)
        for (let j = i + 1; j < sorted.length && sorted[j]!.x - sorted[i]!.x < NODE_W; j++)
          expect(Math.abs(sorted[j]!.y - sorted[i]!.y), `${sorted[i]!.id} over ${sorted[j]!.id}`).toBeGreaterThanOrEqual(NODE_H);
      // An edge starts at its dependency and ends at its task, wrapped or not.
      const at = new Map(p.nodes.map((n) => [n.id, n]));
      for (const e of p.edges) {
        const [a, z] = [at.get(e.from)!, at.get(e.to)!];
        const [first, last] = [e.points[0]!, e.points.at(-1)!];
        expect(Math.abs(first.x - a.x) <= NODE_W / 2 + 1 && Math.abs(first.y - a.y) <= NODE_H / 2 + 1, `${e.from}>${e.to} starts at ${JSON.stringify(first)}, not at ${a.x},${a.y}`).toBe(true);
        expect(Math.abs(last.x - z.x) <= NODE_W / 2 + 1 && Math.abs(last.y - z.y) <= NODE_H / 2 + 1, `${e.from}>${e.to} ends at ${JSON.stringify(last)}, not at ${z.x},${z.y}`).toBe(true);
      }
    }
  });
});
