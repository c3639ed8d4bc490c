import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/plan.js');
const branchImpl = () => import('../commands/plan-branch.js');

export function registerPlanCommands(program: Command): void {
  program
    .command('sync')
    .description('read docs/plans/ into the store (all or nothing: an invalid plan changes nothing)')
    .option('--fix', 'also remove stale duplicate rows of the plan status table (a row left by a renamed epic file, holding nothing the kept row lacks)')
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

  const plan = program.command('plan').description('propose plan changes on a branch for review (decompose a spec, diff a plan branch)');
  plan
    .command('decompose')
    .description('the planner turns a free-form spec (a PRD, notes) into module and epic files on a new branch plan/<slug>')
    .argument('<file>', 'the spec: any text or markdown file')
    .option('--module <module>', 'write one module only (docs/plans/<module>/)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nNothing is written to your branch or checkout: the plan goes on a new branch plan/<slug>, validated like\n`orch sync` (an invalid proposal goes back to the planner, 3 attempts at most). Review it with\n`orch plan diff`, then merge it yourself.',
    )
    .action(lazy(branchImpl, 'decompose'));
  plan
    .command('diff')
    .description('the epics a plan branch adds, changes and removes, against where it left the target branch')
    .argument('[branch]', 'a plan branch (default: the only plan/* branch)')
    .option('--json', 'print JSON')
    .action(lazy(branchImpl, 'diff'));
}
