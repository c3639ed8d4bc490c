import type { Command } from 'commander';
import { positiveInt } from '../errors.js';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/run.js');
const inspect = () => import('../commands/inspect.js');

export function registerRunCommands(program: Command): void {
  program
    .command('start')
    .description('start ready tasks on the daemon (starting the daemon if needed)')
    .argument('[tasks...]', 'task ids such as billing/E01; default: every ready task in scope')
    .option('--count <n>', 'start at most N tasks in this batch', (v) => positiveInt(v, '--count'))
    .option('--module <module>', 'only tasks of this module')
    .option('--epic <id>', 'only the Beads issues under this epic (e.g. bd-a3f8): their module')
    .option('--wait', 'block until every task in scope is merged or only a person can move things on; exit 0 only if all merged')
    .option('-v, --verbose', 'with --wait: every state change of every run, not only what you need to know')
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
    .description('what the daemon is doing: counts, running agents, what waits and why, and the next step')
    .option('--json', 'print JSON')
    .action(lazy(inspect, 'status'));

  program
    .command('show')
    .description('one task: description, dependencies and where they come from, runs (state, usage, merged as, error)')
    .argument('<task>', 'task id such as billing/E01')
    .option('--json', 'print JSON')
    .action(lazy(inspect, 'show'));

  program
    .command('logs')
    .description("a task's agent output (its latest run unless --run)")
    .argument('<task>', 'task id such as billing/E01')
    .option('--follow', 'keep printing until the run ends')
    .option('--run <id>', 'a specific run')
    .option('--json', 'print raw log entries as JSON lines')
    .action(lazy(inspect, 'logs'));
}
