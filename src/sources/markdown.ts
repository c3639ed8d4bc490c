import { createPlanFileCache, parsePlan } from '../plans/index.js';
import type { PlanSource } from './types.js';

/** `<module>/E<NN>`: the ids of the markdown plan (P1). */
export const MARKDOWN_ID = /^[^/\s]+\/E\d+$/;

/**
 * The markdown plan under `plansDir` (P1-P3) as a source. Its status writeback (README marks, epic markers) stays
 * with the engine's writeback, which commits onto the target branch.
 */
export function createMarkdownSource(o: { root: string; plansDir: string; optional?: boolean; agents?: readonly string[] }): PlanSource {
  const cache = createPlanFileCache();
  return {
    kind: 'markdown',
    label: o.plansDir,
    owns: (id) => MARKDOWN_ID.test(id),
    async read() {
      const plan = await parsePlan(o.root, { plansDir: o.plansDir, cache, ...(o.agents ? { agents: o.agents } : {}) });
      // With other sources configured a project may have no markdown plan at all: that is not an error.
      const issues = o.optional
        ? plan.issues.map((i) => (i.code === 'no_plans_dir' ? { ...i, severity: 'warning' as const } : i))
        : plan.issues;
      return { tasks: plan.tasks, issues, modules: plan.modules };
    },
  };
}
