import { describe, expect, it } from 'vitest';
import { createRng, formatReport, generatePlan, runChaos, type ForgeName } from '../../bench/chaos.js';

// The short form of `node dist/bench/chaos.js` (issue 5): kill -9 the daemon and agents at random moments, then
// check that every task merged once, nothing was lost, and no process or worktree is left. With the GitHub forge
// (a bare origin served by the GitHub API test server) also: one PR per head, each task's PR merged once, its squash
// commit once on origin, its remote branch deleted. In cluster mode the same with workers and Redis killed too.
// Needs the built CLI.
describe('chaos: kill -9 anywhere, restart, nothing lost, duplicated or orphaned', () => {
  it('the seeded plan has at least 10 tasks in 3 modules with dependencies', () => {
    const a = generatePlan(createRng(42), 10);
    const b = generatePlan(createRng(42), 10);
    expect(a).toEqual(b);
    expect(new Set(a.tasks.map((t) => t.module)).size).toBe(3);
    expect(a.tasks.some((t) => t.dependsOn.length > 0)).toBe(true);
    expect(Object.values(a.files).filter((f) => f.includes('```file:'))).toHaveLength(10);
  });

  const runs: Array<{ seed: number; trials: number; forge: ForgeName }> = [
    { seed: 42, trials: 3, forge: 'local' },
    { seed: 7, trials: 3, forge: 'local' },
    { seed: 1234, trials: 3, forge: 'local' },
    { seed: 5, trials: 3, forge: 'github' },
  ];
  for (const { seed, trials, forge } of runs) {
    it(`${forge} forge, seed ${seed}, ${trials} trials: zero violations`, { timeout: 150_000 }, async () => {
      const report = await runChaos({ seed, trials, forge, tasks: 10, maxParallel: 4, finishTimeoutMs: 60_000 });
      expect(report.trials).toBe(trials);
      expect(report.kills.daemon + report.kills.agent + report.kills.prGap).toBeGreaterThan(0);
      expect(report.violations, formatReport(report)).toEqual([]);
    });
  }

  // Cluster mode (issue 13): agents on two `orch worker` processes through a real Redis; the loop kills a worker
  // running an agent (with everything under it), then Redis: two trials whose kinds are set, their timing seeded.
  // The long run, every kind by the dice: node dist/bench/chaos.js --cluster 2 --trials 100.
  it('cluster of 2 workers, seed 11: a busy worker and Redis killed, zero violations', { timeout: 150_000 }, async () => {
    const report = await runChaos({ seed: 11, trials: 2, kills: ['worker', 'redis'], forge: 'local', cluster: 2, tasks: 10, maxParallel: 4, finishTimeoutMs: 60_000 });
    expect(report.trials).toBe(2);
    expect(report.kills.worker).toBe(1);
    // It held an active agent job when it died (read from Redis, not guessed from its process tree).
    expect(report.kills.workerMidJob).toBe(1);
    expect(report.kills.redis).toBe(1);
    // The agents on the workers were seen (so was any overlap of two for one task).
    expect(report.agentsSpawned).toBeGreaterThanOrEqual(10);
    expect(report.violations, formatReport(report)).toEqual([]);
  });
});
