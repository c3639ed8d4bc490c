import { holdNewSpace } from '../../tui/heap.js';
import { client, projectPaths, type GlobalOptions } from '../context.js';
import { CliError, Exit } from '../errors.js';

const INSTEAD = '`orch status` shows the same counts once, `orch logs <task> --follow` follows one agent';

/**
 * Why this process cannot run a full-screen UI, or undefined: keys come from stdin in raw mode and frames go to
 * stdout with cursor moves. Without both on a terminal Ink failed on raw mode and the command never ended.
 */
export function terminalProblem(io: { stdinTTY: boolean; stdoutTTY: boolean; term: string | undefined }): string | undefined {
  if (!io.stdoutTTY) return `orch tui draws on a terminal and its output is not one (a pipe or a file); ${INSTEAD}`;
  if (!io.stdinTTY) return `orch tui reads keys from a terminal and its input is not one (a pipe, a file or /dev/null); ${INSTEAD}`;
  if (io.term === 'dumb') return `orch tui needs a terminal that can move the cursor and TERM=dumb cannot (an editor's shell buffer?); run it in a terminal emulator, or ${INSTEAD}`;
  return undefined;
}

/** `orch tui`: checks the config and starts the daemon with the CLI's messages, then hands the terminal to Ink. */
export async function tui(globals: () => GlobalOptions): Promise<void> {
  // Before anything else loads: the TUI's young generation is kept small (src/tui/heap.ts).
  holdNewSpace();
  const problem = terminalProblem({ stdinTTY: process.stdin.isTTY === true, stdoutTTY: process.stdout.isTTY === true, term: process.env.TERM });
  if (problem) throw new CliError(problem, Exit.input);
  const paths = projectPaths(globals());
  await client(globals());
  // Ink and React are loaded only here, from one bundled file (tools/bundle-tui.mjs: React's production build, Ink's
  // text caches bounded); the variable keeps TypeScript from looking for its source.
  const bundle = '../../tui/bundle.js';
  const { runTui } = (await import(bundle)) as typeof import('../../tui/index.js');
  await runTui({ root: paths.root, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, env: process.env });
}
