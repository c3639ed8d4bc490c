import type { Command } from 'commander';
import { StartResponse } from '../../api/index.js';
import { z } from 'zod';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { followStart } from '../follow/start.js';
import { bold, listOf } from '../format.js';
import { out } from '../io.js';

export function registerRunCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('start')
    .description('start ready tasks on the daemon (starting the daemon if needed)')
    .argument('[tasks...]', 'task ids such as billing/E01; default: every ready task in scope')
    .option('--count <n>', 'start at most N tasks in this batch', (v) => positiveInt(v, '--count'))
    .option('--module <module>', 'only tasks of this module')
    .option('--wait', 'block until every task in scope is merged or only a person can move things on; exit 0 only if all merged')
    .option('-v, --verbose', 'with --wait: every state change of every run, not only what you need to know')
    .option('--json', 'print JSON')
    .action(async (tasks: string[], o: { count?: number; module?: string; wait?: boolean; verbose?: boolean; json?: boolean }) => {
      const json = o.json || globals().json;
      const c = await client(globals());
      const res = await c.post('/api/start', { tasks, module: o.module, count: o.count }, StartResponse);
      process.exitCode = await followStart(c, res, { wait: o.wait === true, json: json === true, verbose: o.verbose === true });
    });

  program
    .command('stop')
    .description('stop running tasks (all when none named); their work is committed to the run branch and kept')
    .argument('[tasks...]', 'task ids')
    .option('--json', 'print JSON')
    .action(async (tasks: string[], o: { json?: boolean }) => {
      const c = await client(globals(), false).catch(() => undefined);
      if (!c) {
        if (tasks.length > 0) throw new CliError(`no daemon is running, so ${listOf(tasks)} ${tasks.length === 1 ? 'is' : 'are'} not running; \`orch status\` shows what runs`, Exit.input);
        out('no daemon is running; nothing to stop\n');
        return;
      }
      const res = await c.post('/api/stop', { tasks }, z.object({ stopped: z.array(z.string()) }));
      if (o.json || globals().json) return printJson(res);
      out(
        res.stopped.length
          ? `stopped ${res.stopped.map((id) => bold(id)).join(', ')}; work committed to ${res.stopped.length === 1 ? 'its branch' : 'their branches'}, \`orch start ${res.stopped.length === 1 ? res.stopped[0] : '<task>'}\` continues\n`
          : `nothing was running${tasks.length ? ` (${listOf(tasks)})` : ''}\n`,
      );
    });
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} takes a whole number of 1 or more, got "${v}"`, Exit.input);
  return n;
}
