import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/plan.js');

export function registerPlanCommands(program: Command): void {
  program
    .command('sync')
    .description('read docs/plans/ into the store (all or nothing: an invalid plan changes nothing)')
    .option('--json', 'print the result as JSON')
    .action(lazy(impl, 'sync'));

  program
    .command('list')
    .description('list tasks')
    .option('--status <status>', 'not_started, in_progress, complete, failed, needs_review or ready (comma-separated)')
    .option('--module <module>', 'only this module')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'list'));

  program
    .command('next')
    .description('the ready tasks in the order Orch would start them')
    .option('--module <module>', 'only this module')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'next'));
}
