import { resolve } from 'node:path';
import type { StartResponse } from '../../api/index.js';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { followStart } from '../follow/start.js';
import { bold, listOf } from '../format.js';
import { out } from '../io.js';

export async function start(globals: () => GlobalOptions, tasks: string[], o: { count?: number; module?: string; epic?: string; wait?: boolean; verbose?: boolean; json?: boolean }): Promise<void> {
  // A Beads epic is the module of the issues under it (bd-a3f8.1 is in module bd-a3f8).
  if (o.epic && !o.module) o = { ...o, module: o.epic };
  const json = o.json || globals().json;
  const c = await client(globals());
  // P4: `orch start tasks/2026-12-03.yaml` runs a daily task file as one batch, with its max_cost_usd as the budget.
  const files = tasks.filter((t) => /\.ya?ml$/i.test(t));
  if (files.length > 1 || (files.length === 1 && tasks.length > 1)) throw new CliError('orch start takes one daily task file at a time, without task ids: orch start tasks/2026-12-03.yaml', Exit.input);
  const body = files[0] ? { daily: resolve(files[0]), module: o.module, count: o.count } : { tasks, module: o.module, count: o.count };
  const res = await c.post<StartResponse>('/api/start', body);
  process.exitCode = await followStart(c, res, { wait: o.wait === true, json: json === true, verbose: o.verbose === true });
}

export async function stop(globals: () => GlobalOptions, tasks: string[], o: { json?: boolean }): Promise<void> {
  const c = await client(globals(), false).catch(() => undefined);
  if (!c) {
    if (tasks.length > 0) throw new CliError(`no daemon is running, so ${listOf(tasks)} ${tasks.length === 1 ? 'is' : 'are'} not running; \`orch status\` shows what runs`, Exit.input);
    out('no daemon is running; nothing to stop\n');
    return;
  }
  const res = await c.post<{ stopped: string[] }>('/api/stop', { tasks });
  if (o.json || globals().json) return printJson(res);
  out(
    res.stopped.length
      ? `stopped ${res.stopped.map((id) => bold(id)).join(', ')}; work committed to ${res.stopped.length === 1 ? 'its branch' : 'their branches'}, \`orch start ${res.stopped.length === 1 ? res.stopped[0] : '<task>'}\` continues\n`
      : `nothing was running${tasks.length ? ` (${listOf(tasks)})` : ''}\n`,
  );
}
