import type { Command } from 'commander';
import { positiveInt } from '../errors.js';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/run.js');

export function registerRunCommands(program: Command): void {
  program
    .command('start')
    .description('start ready tasks on the daemon (starting the daemon if needed)')
    .argument('[tasks...]', 'task ids such as billing/E01; default: every ready task in scope')
    .option('--count <n>', 'start at most N tasks in this batch', (v) => positiveInt(v, '--count'))
    .option('--module <module>', 'only tasks of this module')
    .option('--wait', 'block until the started work and what it unblocks in scope is finished; exit 0 only if all merged')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'start'));

  program
    .command('stop')
    .description('stop running tasks (all when none named); their work is committed to the run branch and kept')
    .argument('[tasks...]', 'task ids')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'stop'));

  program
    .command('status')
    .description('what the daemon is doing: counts, running agents, what waits and why')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'status'));

  program
    .command('show')
    .description('one task with its runs (state, branch, session, usage, error)')
    .argument('<task>', 'task id such as billing/E01')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'show'));

  program
    .command('logs')
    .description("a task's agent output (its latest run unless --run)")
    .argument('<task>', 'task id such as billing/E01')
    .option('--follow', 'keep printing until the run ends')
    .option('--run <id>', 'a specific run')
    .option('--json', 'print raw log entries as JSON lines')
    .action(lazy(impl, 'logs'));
}
