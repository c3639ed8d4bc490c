/** `orch tui`: the terminal UI, a client of the daemon's API and event stream like the CLI. */
import './live-frames.js';
import { render } from 'ink';
import { createElement } from 'react';
import { connect } from '../client/index.js';
import { createPaths } from '../paths/index.js';
import { App } from './App.js';
import { createSettings } from './settings.js';
import { themeFromEnv } from './theme.js';

export interface TuiOptions {
  root: string;
  daemonFile: string;
  daemonLog: string;
  env: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

// The alternate screen keeps the user's scrollback as it was; leaving it restores the terminal.
const ENTER = '\u001b[?1049h\u001b[H';
const LEAVE = '\u001b[?25h\u001b[?1049l';

/** Runs until `q`; the daemon keeps working. Starts the daemon first when none runs, as any command does. */
export async function runTui(o: TuiOptions): Promise<void> {
  const out = o.stdout ?? process.stdout;
  const base = { root: o.root, daemonFile: o.daemonFile, daemonLog: o.daemonLog, env: o.env };
  // Fails here, before the screen is taken, with the daemon's own message when it cannot start.
  await connect({ ...base, start: true });
  const theme = themeFromEnv(o.env);
  const paths = createPaths(o.env);
  let left = false;
  const leave = (): void => {
    if (left) return;
    left = true;
    out.write(LEAVE);
  };
  out.write(ENTER);
  process.once('exit', leave);
  const onSignal = (): void => {
    leave();
    process.exit(130);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    const app = render(
      createElement(App, {
        connect: () => connect({ ...base, start: false }),
        theme,
        settings: createSettings(paths, o.root),
      }),
      { stdout: out, stdin: o.stdin ?? process.stdin, exitOnCtrlC: false, maxFps: 30, patchConsole: true },
    );
    await app.waitUntilExit();
  } finally {
    leave();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
