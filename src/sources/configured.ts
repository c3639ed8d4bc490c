import { agentNames, type Config } from '../config/index.js';
import { createMarkdownSource } from './markdown.js';
import type { PlanSource, SourceKind } from './types.js';

/** Sources that need more than the config (a forge client, a process runner, the planner) are built by the caller. */
export type SourceFactories = Partial<Record<Exclude<SourceKind, 'markdown'>, () => PlanSource>>;

/**
 * The sources `[sources]` turns on, markdown first. A markdown plan is optional once another source is
 * configured (a project may keep all its work in GitHub issues); alone, a missing plans folder stays an error.
 */
export function configuredSources(config: Config, root: string, factories: SourceFactories = {}): PlanSource[] {
  const others: PlanSource[] = [];
  for (const kind of ['daily', 'github', 'beads', 'backlog'] as const) {
    const make = factories[kind];
    const on = kind === 'daily' ? make !== undefined : config.sources[kind] !== false;
    if (on && make) others.push(make());
  }
  const markdown = config.sources.markdown ? [createMarkdownSource({ root, plansDir: config.plans_dir, optional: others.length > 0, agents: agentNames(config) })] : [];
  return [...markdown, ...others];
}
