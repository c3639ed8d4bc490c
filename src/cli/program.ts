/**
 * The `orch` command tree, built without running anything: main.ts parses the arguments with it, and the build
 * renders `orch --help` from it ahead of time (tools/prerender-help.mjs, src/cli/fast-help.ts).
 * Spec files import nothing heavy (see main.ts).
 */
import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { errPaint } from './io.js';
import { addHelpTexts } from './help.js';
import { registerPlanCommands } from './specs/plan.js';
import { registerRunCommands } from './specs/run.js';
import { registerMaintainCommand } from './specs/maintain.js';
import { registerDaemonCommands } from './specs/daemon.js';
import { registerDoctorCommand } from './specs/doctor.js';
import { registerQuestionCommands } from './specs/questions.js';
import { registerPrCommands } from './specs/pr.js';
import { registerOnboardCommands } from './specs/onboard.js';
import { registerOpenCommand } from './specs/open.js';
import { registerCompletionCommand } from './specs/completion.js';
import { registerTuiCommand } from './specs/tui.js';
import { registerBudgetCommands } from './specs/budget.js';
import { registerReportCommands } from './specs/report.js';
import { registerBatchCommands } from './specs/batch.js';
import { registerTrustCommand } from './specs/trust.js';
import { registerClusterCommands } from './specs/cluster.js';
import { registerNotifyCommands } from './specs/notify.js';
import { registerLessonCommands } from './specs/lessons.js';

const red = errPaint(31);

/** The whole command tree: every command, option and help text (each command's code loads when it runs). */
export const program = new Command('orch')
  .description('Autonomous development orchestrator: plans -> coding agents in git worktrees -> merged work')
  .version(VERSION)
  .option('-C, --root <dir>', 'project directory (default: the git checkout around the current directory)')
  .option('--json', 'print data as JSON')
  .addOption(new Option('--no-color', 'no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)'))
  .showSuggestionAfterError()
  .exitOverride()
  // Like git: an unknown command or option is a line of error and a line of what to do, not the whole help.
  .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, `${red('error:')} `)) });

registerOnboardCommands(program);
registerPlanCommands(program);
registerRunCommands(program);
registerMaintainCommand(program);
registerDaemonCommands(program);
registerDoctorCommand(program);
registerQuestionCommands(program);
registerPrCommands(program);
registerOpenCommand(program);
registerTuiCommand(program);
registerBudgetCommands(program);
registerReportCommands(program);
registerLessonCommands(program);
registerBatchCommands(program);
registerTrustCommand(program);
registerClusterCommands(program);
registerNotifyCommands(program);
registerCompletionCommand(program);
addHelpTexts(program);

