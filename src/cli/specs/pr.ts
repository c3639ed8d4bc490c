import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/pr.js');

export function registerPrCommands(program: Command): void {
  const pr = program.command('pr').description('changes that wait for a human review');
  pr.command('review')
    .description('list flagged changes with the reasons (the attention queue)')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'review'));
  pr.command('merge')
    .description('merge a flagged change after you reviewed it')
    .argument('<task>', 'task id')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'merge'));
}
