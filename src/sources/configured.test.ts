import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/index.js';
import { configuredSources } from './configured.js';
import type { PlanSource } from './types.js';

const stub = (kind: PlanSource['kind']): (() => PlanSource) => () => ({ kind, label: kind, owns: () => false, read: () => Promise.reject(new Error('unused')) });

describe('configuredSources', () => {
  it('is the markdown plan alone by default', () => {
    const sources = configuredSources(ConfigSchema.parse({}), '/repo', { github: stub('github'), beads: stub('beads') });
    expect(sources.map((s) => [s.kind, s.label])).toEqual([['markdown', 'docs/plans']]);
  });

  it('turns a source on by its table and keeps markdown first', () => {
    const config = ConfigSchema.parse({ plans_dir: 'plans', sources: { github: { label: 'orch' }, backlog: {} } });
    const sources = configuredSources(config, '/repo', { github: stub('github'), beads: stub('beads'), backlog: stub('backlog') });
    expect(sources.map((s) => s.kind)).toEqual(['markdown', 'github', 'backlog']);
  });

  it('can leave the markdown plan out', () => {
    const config = ConfigSchema.parse({ sources: { markdown: false, beads: { epic: 'bd-a3f8' } } });
    expect(configuredSources(config, '/repo', { beads: stub('beads') }).map((s) => s.kind)).toEqual(['beads']);
  });
});
