import { Command, CommanderError } from 'commander';
import { ClientError } from '../client/index.js';
import { ConfigError } from '../config/index.js';
import { DaemonRunningError, ProjectError } from '../daemon/index.js';
import { VERSION } from '../version.js';
import { CliError, Exit, type GlobalOptions } from './context.js';
import { registerPlanCommands } from './commands/plan.js';
import { registerRunCommands } from './commands/run.js';
import { registerDaemonCommands } from './commands/daemon.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerQuestionCommands } from './commands/questions.js';
import { registerPrCommands } from './commands/pr.js';
import { registerMaintainCommand } from './commands/maintain.js';
import { registerClusterCommands } from './commands/cluster.js';
import { red } from './format.js';

const program = new Command('orch')
  .description('Autonomous development orchestrator: plans -> coding agents in git worktrees -> merged work')
  .version(VERSION)
  .option('-C, --root <dir>', 'project directory (default: the git checkout around the current directory)')
  .option('--json', 'print data as JSON')
  .showHelpAfterError()
  .exitOverride();

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
registerPlanCommands(program, globals);
registerRunCommands(program, globals);
registerMaintainCommand(program, globals);
registerDaemonCommands(program, globals);
registerDoctorCommand(program, globals);
registerQuestionCommands(program, globals);
registerPrCommands(program, globals);
registerClusterCommands(program, globals);

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

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const code = exitCodeFor(e);
  if (!(e instanceof CommanderError)) {
    const msg = e instanceof Error ? (code === Exit.failed && !(e instanceof ClientError) ? (e.stack ?? e.message) : e.message) : String(e);
    process.stderr.write(`${red('error:')} ${msg}\n`);
  }
  process.exitCode = code;
}
