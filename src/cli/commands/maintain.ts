import type { Command } from 'commander';
import { StartResponse } from '../../api/index.js';
import { maintenanceKinds } from '../../prompts/index.js';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { yellow } from '../format.js';
import { printReport, waitForBatch } from './run.js';

export function registerMaintainCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('maintain')
    .description(`run a maintenance task on one module or the whole repository: ${maintenanceKinds.join(', ')}`)
    .argument('<kind>', `one of ${maintenanceKinds.join(', ')} (template maintenance/<kind>, overridable in .orch/prompts/)`)
    .option('--module <module>', 'only this module of the plan (default: the whole repository)')
    .option('--wait', 'block until it is merged or needs a person; exit 0 only if merged')
    .option('--json', 'print JSON')
    .action(async (kind: string, o: { module?: string; wait?: boolean; json?: boolean }) => {
      if (!maintenanceKinds.includes(kind)) throw new CliError(`unknown maintenance kind "${kind}"; use one of: ${maintenanceKinds.join(', ')}`, Exit.input);
      const json = o.json || globals().json;
      const c = await client(globals());
      const res = await c.post('/api/maintain', { kind, module: o.module }, StartResponse);
      if (!json) {
        for (const s of res.started) process.stdout.write(`started ${s.taskId} (run ${s.runId})\n`);
        for (const s of res.skipped) process.stdout.write(`${yellow('not started now')} ${s.taskId}: ${s.reason}\n`);
      }
      if (!o.wait) {
        if (json) printJson(res);
        return;
      }
      const report = await waitForBatch(c, res.batch.id, json === true);
      if (json) printJson({ ...res, report });
      else printReport(report);
      process.exitCode = report.merged.length > 0 && report.failed.length === 0 && report.needsHuman.length === 0 ? Exit.ok : Exit.failed;
    });
}
