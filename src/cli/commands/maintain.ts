import type { Command } from 'commander';
import { StartResponse } from '../../api/index.js';
import { maintenanceKinds } from '../../prompts/index.js';
import { client, CliError, Exit, type GlobalOptions } from '../context.js';
import { followStart } from '../follow/start.js';

export function registerMaintainCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('maintain')
    .description(`run a maintenance task on one module or the whole repository: ${maintenanceKinds.join(', ')}`)
    .argument('<kind>', `one of ${maintenanceKinds.join(', ')} (template maintenance/<kind>, overridable in .orch/prompts/)`)
    .option('--module <module>', 'only this module of the plan (default: the whole repository)')
    .option('--wait', 'block until it is merged or needs a person; exit 0 only if merged')
    .option('-v, --verbose', 'with --wait: every state change of the run')
    .option('--json', 'print JSON')
    .action(async (kind: string, o: { module?: string; wait?: boolean; verbose?: boolean; json?: boolean }) => {
      if (!maintenanceKinds.includes(kind)) throw new CliError(`unknown maintenance kind "${kind}"; use one of: ${maintenanceKinds.join(', ')}`, Exit.input);
      const json = o.json || globals().json;
      const c = await client(globals());
      const res = await c.post('/api/maintain', { kind, module: o.module }, StartResponse);
      process.exitCode = await followStart(c, res, { wait: o.wait === true, json: json === true, verbose: o.verbose === true });
    });
}
