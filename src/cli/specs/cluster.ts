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
    .action(lazy(impl, 'worker'));

  program
    .command('workers')
    .description('the cluster: workers, their load and jobs, and whether Redis is reachable')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'workers'));
}
