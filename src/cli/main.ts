import { Command, CommanderError, Option } from 'commander';
import { ClientError } from '../client/index.js';
import { ConfigError } from '../config/index.js';
import { DaemonRunningError, ProjectError } from '../daemon/index.js';
import { VERSION } from '../version.js';
import { CliError, Exit, type GlobalOptions } from './context.js';
import { registerPlanCommands } from './commands/plan.js';
import { registerRunCommands } from './commands/run.js';
import { registerInspectCommands } from './commands/inspect.js';
import { registerDaemonCommands } from './commands/daemon.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerQuestionCommands } from './commands/questions.js';
import { registerPrCommands } from './commands/pr.js';
import { registerMaintainCommand } from './commands/maintain.js';
import { registerCompletionCommand } from './commands/completion.js';
import { errColor } from './format.js';
import { addHelpTexts, SHORT_HELP } from './help.js';
import { installPipeHandlers, out, setNoColor } from './io.js';

installPipeHandlers();
if (process.argv.includes('--no-color')) setNoColor(true);

const program = new Command('orch')
  .description('Autonomous development orchestrator: plans -> coding agents in git worktrees -> merged work')
  .version(VERSION)
  .option('-C, --root <dir>', 'project directory (default: the git checkout around the current directory)')
  .option('--json', 'print data as JSON')
  .addOption(new Option('--no-color', 'no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)'))
  .showSuggestionAfterError()
  .exitOverride()
  // Like git: an unknown command or option is one line of error and one of what to do, not the whole help.
  .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, `${errColor.red('error:')} `)) });

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
registerPlanCommands(program, globals);
registerRunCommands(program, globals);
registerInspectCommands(program, globals);
registerMaintainCommand(program, globals);
registerDaemonCommands(program, globals);
registerDoctorCommand(program, globals);
registerQuestionCommands(program, globals);
registerPrCommands(program, globals);
registerCompletionCommand(program, globals);
addHelpTexts(program);

/** The one top-level handler: a clear message and a meaningful exit code. */
function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? Exit.ok : Exit.input;
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof ConfigError || e instanceof ProjectError) return Exit.input;
  if (e instanceof DaemonRunningError) return Exit.daemon;
  if (e instanceof ClientError) {
    if (e.code === 'unreachable' || e.code === 'no_daemon' || e.code === 'daemon_start_failed') return Exit.daemon;
    return e.status !== undefined && e.status < 500 ? Exit.input : Exit.failed;
  }
  return Exit.failed;
}

const args = process.argv.slice(2).filter((a) => a !== '--no-color');
if (args.length === 0) {
  out(SHORT_HELP);
} else {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    const code = exitCodeFor(e);
    if (e instanceof CommanderError) {
      if (e.exitCode !== 0 && !['commander.helpDisplayed', 'commander.version'].includes(e.code)) process.stderr.write('run `orch --help` for the commands, `orch <command> --help` for one\n');
    } else {
      const msg = e instanceof Error ? (code === Exit.failed && !(e instanceof ClientError) ? (e.stack ?? e.message) : e.message) : String(e);
      process.stderr.write(`${errColor.red('error:')} ${msg}\n`);
    }
    process.exitCode = code;
  }
}
