import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClient, output, run, status, task } from '../../src/tui/testing.js';
import { repoRootDir, until } from '../harness.js';

// What `orch tui` writes to the terminal, from the bundle it loads (tools/bundle-tui.mjs edits Ink in it).
type Bundle = typeof import('../../src/tui/index.js');
let bundle: Bundle;
const ci = process.env.CI;
beforeAll(async () => {
  // On a terminal the TUI draws live even under CI (src/tui/live-frames.ts); Ink reads CI once, when loaded.
  delete process.env.CI;
  bundle = (await import(join(repoRootDir, 'dist/src/tui/bundle.js'))) as Bundle;
});
afterAll(() => {
  if (ci !== undefined) process.env.CI = ci;
});

/** A terminal of a given size that keeps every write, as bytes a real one would receive. */
function terminal(columns: number, rows: number) {
  const writes: string[] = [];
  const stdout = Object.assign(new EventEmitter(), { columns, rows, isTTY: true, write: (s: string) => (writes.push(s), true) });
  const stdin = Object.assign(new EventEmitter(), { isTTY: true, setEncoding() {}, setRawMode() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null });
  return { writes, stdout, stdin };
}

describe('frames on the terminal', () => {
  it('updates a full-screen frame in place: no clearing of the terminal, only the lines that changed', async () => {
    const active = [run('r1', 'a/E01')];
    const w = fakeClient({ status: status(active), tasks: [task('a/E01', { status: 'in_progress' })] });
    const term = terminal(80, 24);
    const app = bundle.renderApp({ connect: async () => w.client, theme: { color: false, ascii: false }, frameMs: 5 }, {
      stdout: term.stdout as unknown as NodeJS.WriteStream,
      stdin: term.stdin as unknown as NodeJS.ReadStream,
      patchConsole: false,
    });
    try {
      await until(() => term.writes.find((s) => s.includes('RUNNING 1')), 'the dashboard', 15_000);
      const from = term.writes.length;
      w.streams[0]?.push(output('r1', 'a/E01', { type: 'tool_call', id: '1', name: 'Bash', input: { command: 'npm test' } }));
      const update = await until(() => term.writes.slice(from).find((s) => s.includes('running tests')), 'the frame showing the new activity', 15_000);
      const after = term.writes.slice(from).join('');
      // Ink cleared the whole terminal (ESC[2J) before every frame as tall as the terminal: a flash per update.
      expect(after).not.toContain('\u001b[2J');
      expect(after).not.toContain('\u001b[3J');
      // The lines that changed, not the screen again (each written line ends with erase-to-end-of-line).
      expect(update).not.toContain('[1 dashboard]');
      expect(update.split('\u001b[K').length - 1).toBeLessThanOrEqual(4);
    } finally {
      app.unmount();
    }
  });
});
