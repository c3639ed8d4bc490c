import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerTuiCommand(program: Command): void {
  program
    .command('tui')
    .description('terminal UI: watch and steer every agent from one screen (starts the daemon if needed; q quits, the daemon keeps working)')
    .action(lazy(() => import('../commands/tui.js'), 'tui'));
}
