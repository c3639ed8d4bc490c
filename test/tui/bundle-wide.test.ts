import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cells } from '../../src/tui/cells.js';
import type { renderApp as RenderApp } from '../../src/tui/index.js';
import { fakeClient, run, status, task } from '../../src/tui/testing.js';
import { repoRootDir } from '../harness.js';

// The bundle `orch tui` loads (tools/bundle-tui.mjs), not the sources: its Ink is the one users run.
const { renderApp } = (await import(join(repoRootDir, 'dist/src/tui/bundle.js'))) as { renderApp: typeof RenderApp };

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

describe('the bundled TUI on a narrow terminal with wide characters', () => {
  it('no row is wider than the terminal where Ink cuts a CJK or emoji title (a wider row wraps and shifts the frame)', async () => {
    const titles = ['日本語のタイトル：全角文字で幅が二倍になるとても長い題名', 'Emoji 🚀🔥 in the title 👩‍💻 with ZWJ 🚀🚀🚀🚀🚀🚀🚀🚀', 'a日本語のタイトル：全角文字で幅が二倍になるとても長い題名'];
    const w = fakeClient({
      status: status([run('r1', '検索/E01', 'running', { worktree: '/w/r1' })]),
      tasks: [task('検索/E01', { status: 'in_progress', title: titles[0] }), ...titles.map((title, i) => task(`m${i}/E01`, { ready: true, title }))],
    });
    const columns = 40;
    const writes: string[] = [];
    const stdout = Object.assign(new EventEmitter(), { columns, rows: 14, isTTY: false, write: (s: string) => writes.push(s) > 0 });
    const keys: string[] = [];
    const stdin = Object.assign(new EventEmitter(), { isTTY: true, setEncoding() {}, setRawMode() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => keys.shift() ?? null });
    const app = renderApp(
      { connect: async () => w.client, theme: { color: false, ascii: false }, frameMs: 5 },
      { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, patchConsole: false, debug: true },
    );
    unmount = () => app.unmount();
    const until = async (what: (frame: string) => boolean): Promise<string> => {
      for (let i = 0; i < 500; i++) {
        const f = writes.at(-1) ?? '';
        if (what(f)) return f;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`timed out; ${writes.length} writes, the last ones:\n${writes.slice(-3).map((x) => JSON.stringify(x)).join('\n')}`);
    };
    for (const [key, shown] of [['1', 'QUEUED 3'], ['3', '[3 plan]'], ['2', '[2 agents]']] as const) {
      keys.push(key);
      stdin.emit('readable');
      const frame = await until((f) => f.includes(shown));
      for (const l of frame.split('\n')) expect(cells(l), `a row wider than ${columns} on the ${key} screen:\n${frame}`).toBeLessThanOrEqual(columns);
    }
  });
});
