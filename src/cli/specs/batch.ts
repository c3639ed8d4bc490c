import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/batch.js');

export function registerBatchCommands(program: Command): void {
  const batch = program.command('batch').description('scheduled batches from schedule.toml (user config dir and .orch/schedule.toml)');
  batch
    .command('list', { isDefault: true })
    .description('each [[batch]] with its cron, limits and next run')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'batchList'));
  batch
    .command('run')
    .description('run one scheduled batch now')
    .argument('<name>', 'the [[batch]] name')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'batchRun'));
}
