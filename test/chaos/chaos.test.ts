import { describe, expect, it } from 'vitest';
import { createRng, formatReport, generatePlan, runChaos } from '../../bench/chaos.js';

// The short form of `node dist/bench/chaos.js` (issue 5): kill -9 the daemon and agents at random moments, then
// check that every task merged once, nothing was lost, and no process or worktree is left. Needs the built CLI.
describe('chaos: kill -9 anywhere, restart, nothing lost, duplicated or orphaned', () => {
  it('the seeded plan has at least 10 tasks in 3 modules with dependencies', () => {
    const a = generatePlan(createRng(42), 10);
    const b = generatePlan(createRng(42), 10);
    expect(a).toEqual(b);
    expect(new Set(a.tasks.map((t) => t.module)).size).toBe(3);
    expect(a.tasks.some((t) => t.dependsOn.length > 0)).toBe(true);
    expect(Object.values(a.files).filter((f) => f.includes('```file:'))).toHaveLength(10);
  });

  for (const { seed, trials } of [
    { seed: 42, trials: 10 },
    { seed: 7, trials: 3 },
    { seed: 1234, trials: 3 },
  ]) {
    it(`seed ${seed}, ${trials} trials: zero violations`, { timeout: 150_000 }, async () => {
      const report = await runChaos({ seed, trials, tasks: 10, maxParallel: 4, finishTimeoutMs: 60_000 });
      expect(report.trials).toBe(trials);
      expect(report.kills.daemon + report.kills.agent).toBeGreaterThan(0);
      expect(report.violations, formatReport(report)).toEqual([]);
    });
  }
});
