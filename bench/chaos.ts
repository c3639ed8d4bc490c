/**
 * Chaos suite (issue 5): runs a plan of fake agents that commit real files, `kill -9`s the daemon or one agent at
 * random moments (with `--forge github`, also the daemon between pushing a branch and opening its PR), restarts
 * through the CLI each time, and at the end of every plan checks that nothing was lost, duplicated or orphaned.
 * Everything random comes from one seeded PRNG, so a seed replays a run.
 *
 *   node dist/bench/chaos.js --trials 100 --seed 42 [--forge local|github] [--cluster N] [--tasks 12] [--parallel 3] [--kills worker,redis] [--keep] [--json]
 *
 * `--kills`: the kinds of kill of the first trials, in order (agent, daemon, worker, redis), instead of the dice.
 *
 * `--cluster N`: agents run on N `orch worker` processes through a real redis-server, and the loop also kills a
 * worker with everything under it (a machine gone) and Redis (kill -9, restarted on the same append-only file).
 *
 * The parts live in bench/chaos/: plan.ts (seeded plan), project.ts and github.ts (project and forge), loop.ts
 * (kill loop), invariants.ts (checks). Exit 1 on any violation.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatReport, runChaos, type ForgeName } from './chaos/loop.js';

export { createRng, generatePlan, squashSubject, type PlanTask, type Rng } from './chaos/plan.js';
export { formatReport, runChaos, type ChaosOptions, type ChaosReport, type ForgeName, type Violation } from './chaos/loop.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '100' },
      seed: { type: 'string', default: '42' },
      forge: { type: 'string', default: 'local' },
      cluster: { type: 'string', default: '0' },
      tasks: { type: 'string', default: '12' },
      parallel: { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      kills: { type: 'string', default: '' },
    },
  });
  if (values.forge !== 'local' && values.forge !== 'github') throw new Error(`--forge must be local or github, not ${values.forge}`);
  const kinds = ['agent', 'daemon', 'worker', 'redis'] as const;
  const kills = values.kills ? values.kills.split(',').map((k) => k.trim()) : [];
  for (const k of kills) {
    if (!(kinds as readonly string[]).includes(k)) throw new Error(`--kills takes ${kinds.join(', ')} (comma-separated), not "${k}"`);
    if ((k === 'worker' || k === 'redis') && !Number(values.cluster)) throw new Error(`--kills ${k} needs --cluster N`);
  }
  const report = await runChaos({
    seed: Number(values.seed),
    trials: Number(values.trials),
    forge: values.forge as ForgeName,
    cluster: Number(values.cluster),
    tasks: Number(values.tasks),
    maxParallel: Number(values.parallel),
    ...(kills.length ? { kills: kills as Array<(typeof kinds)[number]> } : {}),
    keep: values.keep,
    log: values.quiet ? undefined : (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  process.exitCode = report.violations.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`chaos: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  });
}
