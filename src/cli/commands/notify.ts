import { NOTIFY_CHANNELS, NotifyTestResult, type NotifyChannelName } from '../../api/index.js';
import { CliError, client, Exit, printJson, type GlobalOptions } from '../context.js';
import { dim, green, red } from '../format.js';

export async function test(globals: () => GlobalOptions, channel: string | undefined, o: { channel?: string; json?: boolean }): Promise<void> {
  const name = channel ?? o.channel;
  if (name !== undefined && !(NOTIFY_CHANNELS as readonly string[]).includes(name)) {
    throw new CliError(`unknown channel "${name}"; channels are ${NOTIFY_CHANNELS.join(', ')}`, Exit.input);
  }
  const c = await client(globals());
  const r = await c.post('/api/notify/test', name ? { channel: name as NotifyChannelName } : {}, NotifyTestResult);
  const failed = r.results.filter((x) => !x.ok);
  process.exitCode = failed.length ? Exit.failed : Exit.ok;
  if (o.json || globals().json) return printJson(r);
  for (const x of r.results) {
    const tries = x.attempts > 1 ? dim(` (${x.attempts} attempts)`) : '';
    process.stdout.write(`${x.ok ? green('ok  ') : red('FAIL')} ${x.channel}: ${x.detail}${x.ok ? tries : ''}\n`);
  }
  if (failed.length) process.stderr.write(`${red('error:')} ${failed.map((x) => `${x.channel} failed: ${x.detail}`).join('; ')}\n`);
}
