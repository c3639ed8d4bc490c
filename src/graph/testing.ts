import type { Priority } from '../plans/types.js';
import type { SchedulableNode } from './types.js';

/**
 * A plan-shaped graph for tests and benchmarks: `modules` chains of `perModule` epics, plus one cross-module
 * edge every `crossEvery` epics to an epic of the previous module. Deterministic.
 */
export function generateChains(modules: number, perModule: number, crossEvery = 10): SchedulableNode[] {
  const priorities: Priority[] = ['high', 'medium', 'low'];
  const nodes: SchedulableNode[] = [];
  for (let m = 0; m < modules; m++) {
    const module = `m${String(m).padStart(3, '0')}`;
    for (let e = 1; e <= perModule; e++) {
      const dependsOn = e > 1 ? [`${module}/E${e - 1}`] : [];
      if (m > 0 && e % crossEvery === 0) dependsOn.push(`m${String(m - 1).padStart(3, '0')}/E${(e * 7) % perModule + 1}`);
      nodes.push({ id: `${module}/E${e}`, module, epic: e, dependsOn, priority: priorities[(m + e) % 3]! });
    }
  }
  return nodes;
}
