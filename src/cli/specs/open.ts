import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerOpenCommand(program: Command): void {
  program
    .command('open')
    .description("open this project's web page in your browser (logs it in with a one-time link)")
    .option('--print-url', 'print the one-time login link instead of opening a browser (SSH sessions, scripts)')
    .option('--json', 'print JSON')
    .action(lazy(() => import('../commands/open.js'), 'open'));
}
