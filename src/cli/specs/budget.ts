import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/budget.js');

export function registerBudgetCommands(program: Command): void {
  const budget = program
    .command('budget')
    .description('every budget ([budget] in config, batch budgets) with what it spent; `orch budget raise KEY VALUE` raises one')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'budget'));
  budget
    .command('raise')
    .description('raise a budget (task_usd, task_tokens, batch_usd, daily_usd, daily_tokens); what it paused continues')
    .argument('<key>', 'task_usd | task_tokens | batch_usd | daily_usd | daily_tokens')
    .argument('<value>', 'the new limit (USD or tokens)')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'raise'));
}
