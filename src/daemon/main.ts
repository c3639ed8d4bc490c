/**
 * The daemon's own entry point, started by the CLI as a detached process (`node dist/src/daemon/main.js --root
 * <dir> --background`): the CLI never imports the daemon, so a client command loads none of it.
 */
import { parseArgs } from 'node:util';
import { serve } from './serve.js';

const { values } = parseArgs({
  options: { root: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, background: { type: 'boolean' }, 'read-only': { type: 'boolean' } },
  strict: true,
});

try {
  if (!values.root) throw new Error('usage: node dist/src/daemon/main.js --root <project dir> [--port N] [--host ADDR] [--background]');
  const d = await serve({ root: values.root, port: values.port === undefined ? undefined : Number(values.port), host: values.host, readOnly: values['read-only'] === true });
  await d.stopped;
  // Stopped means the store is closed, the lock released and daemon.json removed: nothing left to wait for, and a
  // stray handle (a keep-alive socket, a timer of a library) must not keep `orch daemon stop` waiting.
  process.exit();
} catch (e) {
  const name = e instanceof Error ? e.name : '';
  const expected = name === 'DaemonRunningError' || name === 'ProjectError' || name === 'ConfigError';
  process.stderr.write(`error: ${e instanceof Error ? (expected ? e.message : (e.stack ?? e.message)) : String(e)}\n`);
  // The CLI's exit codes: 2 bad input (project, config), 3 daemon unavailable (another one runs), 1 anything else.
  // A start that failed half-way must not linger on a handle it left open: exit now, as a stopped daemon does.
  process.exit(name === 'DaemonRunningError' ? 3 : expected ? 2 : 1);
}
