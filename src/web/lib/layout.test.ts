import { describe, expect, it } from 'vitest';
import { foldModules, layoutTasks, MODULE_NODE, shapeKey, type GraphTask } from './layout.js';

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
});
