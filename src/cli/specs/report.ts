import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/report.js');

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description('what ran, merged, failed and waits for you, with tokens and cost by task and module; written to .orch/reports/')
    .argument('[date]', 'the day (YYYY-MM-DD, in the project timezone); default today')
    .option('--batch <id>', 'the report of one batch instead of a day')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'report'));
}
