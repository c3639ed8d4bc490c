import { holdNewSpace } from '../../tui/heap.js';
import { client, projectPaths, type GlobalOptions } from '../context.js';

/** `orch tui`: checks the config and starts the daemon with the CLI's messages, then hands the terminal to Ink. */
export async function tui(globals: () => GlobalOptions): Promise<void> {
  // Before anything else loads: the TUI's young generation is kept small (src/tui/heap.ts).
  holdNewSpace();
  const paths = projectPaths(globals());
  await client(globals());
  // Ink and React are loaded only here, from one bundled file (tools/bundle-tui.mjs: React's production build, Ink's
  // text caches bounded); the variable keeps TypeScript from looking for its source.
  const bundle = '../../tui/bundle.js';
  const { runTui } = (await import(bundle)) as typeof import('../../tui/index.js');
  await runTui({ root: paths.root, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, env: process.env });
}
