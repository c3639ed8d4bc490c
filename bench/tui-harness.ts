import { EventEmitter } from 'node:events';
import type { SettingsSource } from '../src/tui/settings.js';
import type { Theme } from '../src/tui/theme.js';
import type { Client } from '../src/client/index.js';

/** A terminal in memory for Ink: a sized stdout that keeps the last frame, and a stdin keys are written to. */
export function memoryTerminal(columns: number, rows: number) {
  const stdout = Object.assign(new EventEmitter(), {
    columns,
    rows,
    isTTY: true,
    frames: 0,
    last: '',
    write(s: string) {
      // Ink brackets a frame with synchronized-update marks, each its own write: those are not frames.
      if (s === '\u001b[?2026h' || s === '\u001b[?2026l') return true;
      stdout.frames++;
      stdout.last = s;
      stdout.emit('frame', s);
      return true;
    },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    data: null as string | null,
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const d = stdin.data;
      stdin.data = null;
      return d;
    },
    write(d: string) {
      stdin.data = d;
      stdin.emit('readable');
      stdin.emit('data', d);
    },
  });
  return { stdout, stdin };
}

// What `orch tui` runs: the bundle (tools/bundle-tui.mjs), not tsc's modules; the variable keeps TypeScript from
// looking for its source.
const bundle = '../src/tui/bundle.js';
const { renderApp } = (await import(bundle)) as typeof import('../src/tui/index.js');

export function mountApp(client: Client, columns: number, rows: number, theme: Theme = { color: false, ascii: false }, settings?: SettingsSource) {
  const term = memoryTerminal(columns, rows);
  /** Ink's own time to turn the laid-out tree into the frame's text, per frame (ms). */
  const renderTimes: number[] = [];
  const app = renderApp({ connect: async () => client, theme, size: { columns, rows }, frameMs: 33, settings }, {
    stdout: term.stdout as unknown as NodeJS.WriteStream,
    stdin: term.stdin as unknown as NodeJS.ReadStream,
    debug: false,
    patchConsole: false,
    // Whole frames, so the last write is the screen (`orch tui` writes only the lines that changed).
    incrementalRendering: false,
    onRender: ({ renderTime }) => renderTimes.push(renderTime),
  });
  const waitFor = (pred: (frame: string) => boolean, timeoutMs = 5000) =>
    new Promise<string>((resolve, reject) => {
      if (pred(term.stdout.last)) return resolve(term.stdout.last);
      const t = setTimeout(() => reject(new Error(`no frame matched in ${timeoutMs} ms; last:\n${term.stdout.last}`)), timeoutMs);
      const on = (f: string) => {
        if (!pred(f)) return;
        clearTimeout(t);
        term.stdout.off('frame', on);
        resolve(f);
      };
      term.stdout.on('frame', on);
    });
  return { ...term, app, waitFor, renderTimes };
}
