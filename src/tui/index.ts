/** `orch tui`: the terminal UI, a client of the daemon's API and event stream like the CLI. */
import './live-frames.js';
import { homedir } from 'node:os';
import { render, type Instance, type RenderOptions } from 'ink';
import { createElement } from 'react';
import { connect } from '../client/index.js';
import { createPaths } from '../paths/index.js';
import { App, type AppProps } from './App.js';
import { boundHeap } from './heap.js';
import { createSettings } from './settings.js';
import { themeFromEnv } from './theme.js';

/**
 * Draws the App with Ink: `orch tui`, and the benchmark and captures (through the bundle, as users run it). The feed
 * hands events over at most once per frame (33 ms); Ink may draw twice as often, so a key pressed just after a frame
 * of output is on screen within 17 ms instead of waiting out the rest of a 33 ms throttle. Only the lines that
 * changed are written (incremental rendering): a pane's new line does not repaint the screen.
 */
export const renderApp = (props: AppProps, options: RenderOptions): Instance => {
  boundHeap();
  return render(createElement(App, props), { exitOnCtrlC: false, maxFps: 60, incrementalRendering: true, ...options, ...(props.theme.ascii && options.stdout ? { stdout: asciiOnly(options.stdout) } : {}) });
};

/**
 * Ink marks a line it cut with `…` and has no option for another mark; with no Unicode (ORCH_ASCII=1, a non-UTF-8
 * locale) the screen gets `.` instead, one column as well. Every other glyph of the TUI has its ASCII form.
 */
export function asciiOnly(out: NodeJS.WriteStream): NodeJS.WriteStream {
  return new Proxy(out, {
    get(target, key) {
      if (key === 'write') return (chunk: unknown, ...rest: unknown[]) => (target.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? chunk.replaceAll('…', '.') : chunk, ...rest);
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

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
    const app = renderApp(
      { connect: () => connect({ ...base, start: false }), theme, settings: createSettings(paths, o.root, o.env.HOME || homedir()) },
      { stdout: out, stdin: o.stdin ?? process.stdin, patchConsole: true },
    );
    await app.waitUntilExit();
  } finally {
    leave();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
