import { client, projectPaths, type GlobalOptions } from '../context.js';

/** `orch tui`: checks the config and starts the daemon with the CLI's messages, then hands the terminal to Ink. */
export async function tui(globals: () => GlobalOptions): Promise<void> {
  const paths = projectPaths(globals());
  await client(globals());
  // Ink and React are loaded only here, as React's production build (its development build renders ~10x slower).
  process.env.NODE_ENV ??= 'production';
  const { runTui } = await import('../../tui/index.js');
  await runTui({ root: paths.root, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, env: process.env });
}
