/**
 * The `orch` executable. Start-up is a budget (issue 12: `orch --version` within 1.5x of `node -e 0`): this file
 * and src/cli/specs/* load only commander and the command specs; each command's code is imported when it runs.
 *
 * Adding a command: declare it in a spec file (src/cli/specs/<area>.ts, registered in program.ts with one line) and point
 * its action at the implementation, which is loaded only when the command runs:
 *
 *   program.command('tui').description('...').option('--json', '...').action(lazy(() => import('../commands/tui.js'), 'tui'));
 *
 * where src/cli/commands/tui.ts exports `async function tui(globals: () => GlobalOptions, ...args, options)`.
 * Spec files import nothing heavy (no zod, src/api values, daemon, engine, store, Ink): src/cli/startup.test.ts
 * fails when `orch --help` loads more than it should. The daemon runs as its own process (src/daemon/main.ts).
 * `orch --help` itself is rendered ahead of time (src/cli/fast-help.ts) and printed by bin/orch.js without this file.
 */
import { CommanderError, type Command } from 'commander';
import type { ClientError } from '../client/index.js';
import { CliError, Exit } from './errors.js';
import { errPaint, installPipeHandlers, out, setNoColor, wroteStdout } from './io.js';
import { SHORT_HELP } from './help.js';
import { program } from './program.js';

installPipeHandlers();
if (process.argv.includes('--no-color')) setNoColor(true);
const red = errPaint(31);

// Errors of modules this file does not load (config, daemon, client) are told apart by name.
const inputErrors = new Set(['ConfigError', 'ProjectError']);
const isClientError = (e: unknown): e is ClientError => e instanceof Error && e.name === 'ClientError';

/** The current directory was removed under the shell (`rm -rf` of the checkout it is in): Node cannot even resolve it. */
const isGoneCwd = (e: unknown): boolean => e instanceof Error && (e as NodeJS.ErrnoException).code === 'ENOENT' && (e as NodeJS.ErrnoException).syscall === 'uv_cwd';

/** The one top-level handler: a clear message and a meaningful exit code. */
function exitCodeFor(e: unknown): number {
  if (isGoneCwd(e)) return Exit.input;
  if (e instanceof CommanderError) return e.exitCode === 0 ? Exit.ok : Exit.input;
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof Error && inputErrors.has(e.name)) return Exit.input;
  if (e instanceof Error && e.name === 'DaemonRunningError') return Exit.daemon;
  if (isClientError(e)) {
    if (e.code === 'unreachable' || e.code === 'no_daemon' || e.code === 'daemon_start_failed') return Exit.daemon;
    if (e.code === 'daemon_refused') return Exit.input;
    return e.status !== undefined && e.status < 500 ? Exit.input : Exit.failed;
  }
  return Exit.failed;
}

/** The (sub)command the arguments name (`daemon start`), for the hint under a usage error. */
function commandPath(args: readonly string[]): string | undefined {
  let cmd: Command = program;
  const names: string[] = [];
  for (const a of args) {
    if (a.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    names.push(sub.name());
    cmd = sub;
  }
  return names.length > 0 ? names.join(' ') : undefined;
}

if (process.argv.slice(2).filter((a) => a !== '--no-color').length === 0) out(SHORT_HELP);
else {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    const code = exitCodeFor(e);
    if (e instanceof CommanderError) {
      if (e.exitCode !== 0 && e.code !== 'commander.helpDisplayed' && e.code !== 'commander.version') {
        const path = e.code === 'commander.unknownCommand' ? undefined : commandPath(process.argv.slice(2));
        process.stderr.write(path ? `run \`orch ${path} --help\` for its usage and examples\n` : 'run `orch --help` for the commands, `orch <command> --help` for one\n');
      }
    } else {
      const msg = isGoneCwd(e)
        ? 'the current directory no longer exists (removed after this shell entered it); cd into your project\'s checkout, or pass -C <dir>'
        : e instanceof Error ? (code === Exit.failed && !isClientError(e) ? (e.stack ?? e.message) : e.message) : String(e);
      process.stderr.write(`${red('error:')} ${msg}\n`);
    }
    // `--json` asked for a document on stdout: a failure before any answer is one too, so `| jq` always has JSON.
    const args = process.argv.slice(2);
    const jsonAsked = args.slice(0, args.includes('--') ? args.indexOf('--') : undefined).includes('--json');
    if (jsonAsked && !wroteStdout() && code !== Exit.ok) {
      const errCode = e instanceof CommanderError || isClientError(e) ? e.code : undefined;
      const message = (e instanceof Error ? e.message : String(e)).replace(/^error: /, '').trim();
      out(`${JSON.stringify({ ok: false, error: { message, exitCode: code, ...(errCode ? { code: errCode } : {}) } }, null, 2)}\n`);
    }
    process.exitCode = code;
  }
}
