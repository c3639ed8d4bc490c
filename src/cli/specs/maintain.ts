import type { Command } from 'commander';
import { maintenanceKinds } from '../../prompts/index.js';
import { lazy } from '../lazy.js';

export function registerMaintainCommand(program: Command): void {
  program
    .command('maintain')
    .description(`run a maintenance task on one module or the whole repository: ${maintenanceKinds.join(', ')}`)
    .argument('<kind>', `one of ${maintenanceKinds.join(', ')} (template maintenance/<kind>, overridable in .orch/prompts/)`)
    .option('--module <module>', 'only this module of the plan (default: the whole repository)')
    .option('--wait', 'block until it is merged or needs a person; exit 0 only if merged')
    .option('-v, --verbose', 'with --wait: every state change of the run')
    .option('--json', 'print JSON')
    .action(lazy(() => import('../commands/maintain.js'), 'maintain'));
}
