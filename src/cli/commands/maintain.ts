import { StartResponse } from '../../api/index.js';
import { maintenanceKinds } from '../../prompts/index.js';
import { client, CliError, Exit, type GlobalOptions } from '../context.js';
import { followStart } from '../follow/start.js';

export async function maintain(globals: () => GlobalOptions, kind: string, o: { module?: string; wait?: boolean; verbose?: boolean; json?: boolean }): Promise<void> {
  if (!maintenanceKinds.includes(kind)) throw new CliError(`unknown maintenance kind "${kind}"; use one of: ${maintenanceKinds.join(', ')}`, Exit.input);
  const json = o.json || globals().json;
  const c = await client(globals());
  const res = await c.post('/api/maintain', { kind, module: o.module }, StartResponse);
  process.exitCode = await followStart(c, res, { wait: o.wait === true, json: json === true, verbose: o.verbose === true });
}
