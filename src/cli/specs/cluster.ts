import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/cluster.js');
const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerClusterCommands(program: Command): void {
  program
    .command('worker')
    .description('take agent jobs from the cluster queue on this machine (BullMQ on Redis) until Ctrl+C')
    .option('--redis <url>', 'Redis URL (redis:// or rediss:// for TLS); default: $ORCH_REDIS_URL')
    .option('--jobs <n>', 'at most this many jobs at once, across every orchestrator served', '1')
    .option('--name <name>', 'worker name (default: host-pid)')
    .option('--labels <list>', 'labels jobs may require, comma-separated (e.g. gpu,big-ram)')
    .option('--agents <list>', 'agent CLIs this worker runs, comma-separated (default: every one found on PATH)')
    .option('--repo <url>', 'a repository URL this worker accepts jobs for (repeatable; required)', collect, [])
    .option('--dir <dir>', 'where the repository caches and job worktrees live')
    .addHelpText(
      'after',
      '\nExamples:\n  orch worker --redis redis://queue:6379 --repo git@github.com:acme/app.git --jobs 2\n  ORCH_REDIS_URL=rediss://:secret@queue:6380 orch worker --repo git://coordinator:9418/srv/app --labels gpu\n\nExit codes: 0 stopped, 2 bad options. See docs/cluster.md.',
    )
    .action(lazy(impl, 'worker'));

  program
    .command('workers')
    .description('the cluster: workers, their load and jobs, and whether Redis is reachable')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExit codes: 0 the cluster is reachable, 1 configured but unavailable, 2 no cluster configured, 3 no daemon.')
    .action(lazy(impl, 'workers'));
}
