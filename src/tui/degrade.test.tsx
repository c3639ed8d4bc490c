import { EventEmitter } from 'node:events';
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from './App.js';
import { renderApp } from './index.js';
import type { SettingItem, SettingsSource } from './settings.js';
import { fakeClient, output, run, status, task } from './testing.js';
import { themeFromEnv, type Theme } from './theme.js';
import { cells } from './cells.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());
// Ink colors through chalk, which finds no color terminal under a test runner: force it, so NO_COLOR means something.
const level = chalk.level;
beforeAll(() => {
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = level;
});

// eslint-disable-next-line no-control-regex
const ESC = /\u001b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex
const COLOR = /\u001b\[(3[0-79]|9[0-7])m/;

async function until(what: () => string, fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const world = () => {
  const active = [run('r1', 'a/E01', 'running', { worktree: '/w/r1' }), run('r2', 'b/E01', 'waiting', { waitingReason: 'question: Which currency?' }), run('r3', 'c/E01')];
  return fakeClient({
    status: status(active),
    tasks: [
      task('a/E01', { status: 'in_progress', title: 'Greeting' }),
      task('b/E01', { status: 'in_progress' }),
      task('c/E01', { status: 'in_progress', dependsOn: ['a/E01'] }),
      task('a/E02', { ready: true, title: 'A very long title that goes on and on well past the width of any narrow terminal' }),
      task('a/E03', { ready: false, dependsOn: ['a/E02'], waitingFor: ['a/E02'] }),
      task('d/E01', { status: 'failed', statusNote: 'tests failed' }),
    ],
    questions: [{ id: 'q1', runId: 'r2', taskId: 'b/E01', kind: 'question', text: 'Which currency?', audience: 'human', answer: null, answeredBy: null, createdAt: '', answeredAt: null }],
  });
};

/** The App on a terminal whose size it reads from stdout (no fixed size), so a resize is what it follows. */
function mount(theme: Theme, columns: number, rows: number, settings?: SettingsSource, w = world()) {
  const r = render(<App connect={async () => w.client} theme={theme} frameMs={5} backoff={{ initialMs: 20, maxMs: 40 }} settings={settings} />);
  unmount = r.unmount;
  const out = r.stdout as unknown as EventEmitter;
  // Read at mount as 100x24 (ink-testing-library's); the test resizes to the size it starts from.
  const size = { columns, rows };
  const resize = (c: number, h: number) => {
    size.columns = c;
    size.rows = h;
    out.emit('resize');
  };
  Object.defineProperty(out, 'columns', { get: () => size.columns, configurable: true });
  Object.defineProperty(out, 'rows', { get: () => size.rows, configurable: true });
  /** The last frame without its escapes (colors, inverse). */
  const frame = () => (r.lastFrame() ?? '').replace(ESC, '');
  const shows = (text: string | RegExp) => until(() => `"${String(text)}" on screen; last frame:\n${frame()}`, () => (typeof text === 'string' ? frame().includes(text) : text.test(frame())));
  const press = async (keys: string) => {
    for (const k of keys) r.stdin.write(k);
    await new Promise((res) => setImmediate(res));
  };
  /** Every line of the frame within the width, the frame within the height. */
  const fits = () => {
    const lines = frame().split('\n');
    expect(lines.length, frame()).toBeLessThanOrEqual(size.rows);
    for (const l of lines) expect(l.length, `a line wider than ${size.columns}:\n${l}`).toBeLessThanOrEqual(size.columns);
  };
  return { w, frame, raw: () => r.lastFrame() ?? '', shows, press, resize, fits };
}

describe('orch tui degrades well', () => {
  it('follows a resize: a grid of panes at 160x48, a list plus the focused pane at 80x24 and narrower, back again', async () => {
    const ui = mount({ color: true, ascii: false }, 160, 48);
    await ui.shows('RUNNING 3');
    ui.resize(160, 48);
    ui.w.streams[0]!.push(output('r1', 'a/E01', { type: 'tool_call', id: '1', name: 'Bash', input: { command: 'npm test' } }));
    await ui.press('2');
    await ui.shows('3 agents, page 1/1');
    await ui.shows('→ Bash npm test');
    ui.fits();

    ui.resize(80, 24);
    await until(() => ui.frame(), () => !ui.frame().includes('page 1/1') && ui.frame().includes('⏸ b/E01 waiting: question'));
    expect(ui.frame()).toContain('→ Bash npm test');
    ui.fits();

    for (const [c, h] of [[60, 20], [40, 12]] as const) {
      ui.resize(c, h);
      await until(() => ui.frame(), () => ui.frame().split('\n').every((l) => l.length <= c));
      expect(ui.frame()).toContain('a/E01');
      ui.fits();
      await ui.press('1');
      await ui.shows('RUNNING 3');
      ui.fits();
      await ui.press('3');
      await ui.shows('a/E01');
      ui.fits();
      await ui.press('?');
      await ui.shows('KEYS');
      ui.fits();
      await ui.press('\u001b');
      await ui.press('2');
    }

    ui.resize(160, 48);
    await ui.shows('3 agents, page 1/1');
    ui.fits();
  });

  it('a long answer or error is read whole on up to three rows above the bottom, the frame still fits', async () => {
    const ui = mount({ color: false, ascii: false }, 80, 24);
    await ui.shows('RUNNING 3');
    ui.resize(80, 24);
    await until(() => ui.frame(), () => ui.frame().split('\n').every((l) => l.length <= 80));
    const message = `the daemon refused: ${'a reason that goes on and on '.repeat(5)}until here`;
    ui.w.data.fail['/api/stop'] = message;
    await ui.press('x');
    await ui.shows('stop a/E01?');
    await ui.press('y');
    await ui.shows('until here');
    ui.fits();
    const lines = ui.frame().split('\n');
    expect(lines.length).toBe(24);
    expect(lines.slice(-3).join(' ')).toBe(message);
    // The screen above gave up the rows: its first lines are still there.
    expect(lines[0]).toMatch(/^Orch /);
    expect(ui.frame()).toContain('RUNNING 3');
  });

  it('settings at 60x20: each row names its file whole; more settings than rows scroll with the selection', async () => {
    const items: SettingItem[] = Array.from({ length: 24 }, (_, i) => ({
      key: i === 0 ? 'max_parallel_agents' : `agents.agent${i}.model`,
      value: i === 0 ? '4' : '',
      file: '/r/.orch/config.toml',
      shown: 'project .orch/config.toml',
      setIn: 'project',
      kind: i === 0 ? 'number' : 'string',
      help: 'a setting',
    }));
    const ui = mount({ color: false, ascii: false }, 60, 20, { list: () => ({ items }), set: () => ({ ok: true, text: 'written' }) });
    await ui.shows('RUNNING 3');
    ui.resize(60, 20);
    await ui.press('4');
    await ui.shows('max_parallel_agents');
    await until(() => ui.frame(), () => ui.frame().split('\n').every((l) => l.length <= 60));
    ui.fits();
    expect(ui.frame()).toMatch(/^max_parallel_agents\s+4\s+project \.orch\/config\.toml$/m);
    expect(ui.frame()).toMatch(/^agents\.agent1\.model\s+""\s+project \.orch\/config\.toml$/m);
    expect(ui.frame()).not.toContain('agents.agent23.model');
    for (let i = 0; i < 23; i++) await ui.press('j');
    await ui.shows('agents.agent23.model');
    ui.fits();
    expect(ui.frame()).not.toContain('max_parallel_agents');
  });

  it('at 80x24 and 60x20 the header keeps every count whole (shorter forms, then two lines), titles where they fit', async () => {
    const ui = mount({ color: false, ascii: false }, 160, 48);
    await ui.shows('RUNNING 3');
    const header = () => ui.frame().split('\n').slice(0, ui.frame().split('\n').findIndex((l) => l.startsWith('RUNNING')));
    for (const [c, h, lines] of [[160, 48, 2], [80, 24, 2], [60, 20, 3], [40, 12, 3]] as const) {
      ui.resize(c, h);
      await until(() => ui.frame(), () => ui.frame().split('\n').every((l) => l.length <= c) && ui.frame().includes('RUNNING 3'), 20_000);
      ui.fits();
      const head = header();
      expect(head.length, ui.frame()).toBe(lines);
      // Nothing cut: no line of the header ends in Ink's mark, and every number is there.
      for (const l of head) expect(l, ui.frame()).not.toMatch(/…$/);
      const text = head.join('\n');
      for (const n of [/2\/4/, /queued? 2/, /you 1/, /merged (today )?3/, /failed 1/, /12k tok \$1\.50/]) expect(text, ui.frame()).toMatch(n);
      expect(head[0], ui.frame()).toMatch(/^Orch .*\[1 dashboard\]/);
    }
    // At 80 columns a running task and a queued one show their titles.
    ui.resize(80, 24);
    await until(() => ui.frame(), () => /a\/E01\s+Greeting\s+1m/.test(ui.frame()) && /a\/E02\s+A very long title[^\n]*…\s+ready/.test(ui.frame()), 20_000);
  });

  it('NO_COLOR: no color codes, Unicode marks kept; ORCH_ASCII: nothing outside ASCII on any screen', async () => {
    const plain = mount({ color: false, ascii: false }, 160, 48);
    await plain.shows('RUNNING 3');
    plain.resize(160, 48);
    for (const key of ['1', '2', '3', '?']) {
      await plain.press(key);
      await plain.shows(key === '?' ? 'KEYS' : `[${key} `);
      expect(plain.raw()).not.toMatch(COLOR);
    }
    await plain.press('\u001b');
    await plain.press('1');
    await plain.shows(/[▶⏸]/);
    unmount?.();

    const ascii = mount({ color: true, ascii: true }, 160, 48);
    await ascii.shows('RUNNING 3');
    ascii.resize(160, 48);
    ascii.w.streams[0]!.push(output('r1', 'a/E01', { type: 'tool_call', id: '1', name: 'Edit', input: { file_path: '/w/r1/src/a.ts' } }));
    ascii.w.streams[0]!.push(output('r1', 'a/E01', { type: 'tool_result', id: '1', isError: true, output: 'old_string not found' }));
    for (const [key, expected] of [['1', '[1 dashboard]'], ['2', '-> Edit src/a.ts'], ['3', '[3 plan]'], ['?', 'KEYS']] as const) {
      await ascii.press(key);
      await ascii.shows(expected);
      const wide = [...ascii.frame()].filter((ch) => ch.charCodeAt(0) > 0x7e);
      expect(wide.join(''), `non-ASCII on the ${key} screen:\n${ascii.frame()}`).toBe('');
    }
  });

  it('ORCH_ASCII on a narrow terminal: the lines Ink cuts end in "." (Ink itself knows only "…")', async () => {
    const w = world();
    const writes: string[] = [];
    const stdout = Object.assign(new EventEmitter(), { columns: 50, rows: 16, isTTY: false, write: (s: string) => writes.push(s) > 0 });
    const stdin = Object.assign(new EventEmitter(), { isTTY: true, setEncoding() {}, setRawMode() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null });
    const app = renderApp(
      { connect: async () => w.client, theme: { color: false, ascii: true }, frameMs: 5 },
      { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, patchConsole: false, debug: true },
    );
    unmount = () => app.unmount();
    await until(() => writes.at(-1) ?? '', () => (writes.at(-1) ?? '').includes('question b/E01'));
    const frame = writes.at(-1) ?? '';
    expect(frame).toMatch(/\.$/m);
    expect([...frame].filter((ch) => ch.charCodeAt(0) > 0x7e).join(''), frame).toBe('');
  });

  it('a tiny terminal (30x8, 20x6) gets a frame of its height, header on top, on every screen and after a status message', async () => {
    const ui = mount({ color: false, ascii: false }, 30, 8);
    await ui.shows('RUNNING 3');
    for (const [c, h] of [[30, 8], [20, 6], [60, 10]] as const) {
      ui.resize(c, h);
      for (const key of ['1', '2', '3', '4', '?']) {
        await ui.press(key);
        await until(() => ui.frame(), () => ui.frame().split('\n').length === h && ui.frame().split('\n').every((l) => l.length <= c));
        expect(ui.frame(), ui.frame()).toMatch(/^Orch /);
        await ui.press('\u001b');
      }
    }
    // A long answer takes one row here, not three.
    ui.resize(30, 8);
    await ui.press('1');
    ui.w.data.fail['/api/stop'] = `the daemon refused: ${'a reason that goes on '.repeat(5)}`;
    await ui.press('x');
    await ui.press('y');
    await ui.shows('the daemon refused');
    expect(ui.frame().split('\n').length, ui.frame()).toBe(8);
    expect(ui.frame()).toMatch(/^Orch /);
  });

  it('untrusted text (tabs, escapes, CJK, emoji, a module named in Japanese) neither breaks the frame nor the columns', async () => {
    const w = fakeClient({
      status: status([run('r1', 'ui/E01', 'running', { worktree: '/w/r1' })]),
      tasks: [
        task('ui/E01', { status: 'in_progress', title: 'Tabs\tand\tspaces' }),
        task('auth/E01', { ready: true, title: '日本語のタイトル：全角文字で幅が二倍になる' }),
        task('検索/E01', { ready: true, title: 'Short' }),
        task('emoji/E01', { ready: true, title: 'Emoji 🚀🔥 in the title 👩‍💻 with ZWJ' }),
        task('internationalisation/E01', { ready: true, title: 'Combining e\u0301 marks' }),
        task('ansi/E01', { ready: true, title: 'Red \u001b[31mtitle\u001b[0m and a bell\u0007' }),
      ],
    });
    const ui = mount({ color: false, ascii: false }, 60, 20, undefined, w);
    await ui.shows('RUNNING 1');
    // An agent that prints colours, tabs, a carriage return and a screen clear.
    ui.w.streams[0]!.push(output('r1', 'ui/E01', { type: 'text', text: 'col1\tcol2\t\u001b[32mgreen\u001b[0m\r\u001b[2J\u001b]0;title\u0007done' }));
    for (const [columns, rows] of [[60, 20], [80, 24], [40, 12]] as const) {
      ui.resize(columns, rows);
      for (const key of ['1', '2', '3']) {
        await ui.press(key);
        await until(() => ui.frame(), () => new RegExp(`^Orch .*\\[${key} `).test(ui.frame()) && !ui.frame().includes('loading'));
        // Rows Orch lays out itself fit by their terminal width (Ink's own cut of a wide character at the edge is
        // fixed in the bundle: test/tui/bundle-wide.test.ts).
        if (key === '1') for (const l of ui.frame().split('\n')) expect(cells(l), ui.frame()).toBeLessThanOrEqual(columns);
        const raw = ui.raw();
        // Nothing a terminal would move by that Ink measured as nothing.
        expect(raw, raw).not.toMatch(/[\t\r\u0007]/);
        expect(raw.replace(ESC, ''), raw).not.toContain('\u001b');
        expect(ui.frame().split('\n').length, ui.frame()).toBeLessThanOrEqual(rows);
      }
    }
    await ui.press('2');
    await ui.shows('col1    col2    greendone');
    // The queue's "ready" column starts at the same terminal column on every row, whatever the ids and titles hold.
    ui.resize(80, 24);
    await ui.press('1');
    await ui.shows('日本語');
    const ready = ui.frame().split('\n').filter((l) => /ready$/.test(l));
    expect(ready.length, ui.frame()).toBe(5);
    expect(new Set(ready.map((l) => cells(l))).size, ready.join('\n')).toBe(1);
    expect(ui.frame()).toMatch(/^internationalis… Combining/m);
  });

  it('reads the theme from the environment: NO_COLOR, ORCH_ASCII, a non-UTF-8 locale', () => {
    expect(themeFromEnv({})).toEqual({ color: true, ascii: false });
    expect(themeFromEnv({ NO_COLOR: '1' })).toEqual({ color: false, ascii: false });
    expect(themeFromEnv({ NO_COLOR: '' })).toEqual({ color: true, ascii: false });
    expect(themeFromEnv({ ORCH_ASCII: '1', LANG: 'en_US.UTF-8' })).toEqual({ color: true, ascii: true });
    expect(themeFromEnv({ LANG: 'C' }).ascii).toBe(true);
    expect(themeFromEnv({ LANG: 'POSIX' }).ascii).toBe(true);
    expect(themeFromEnv({ LANG: 'de_DE.ISO-8859-1' }).ascii).toBe(true);
    expect(themeFromEnv({ LANG: 'en_US.utf8' }).ascii).toBe(false);
    // LC_ALL overrides LC_CTYPE overrides LANG, as for every program.
    expect(themeFromEnv({ LC_ALL: 'C.UTF-8', LANG: 'C' }).ascii).toBe(false);
    expect(themeFromEnv({ LC_ALL: 'C', LANG: 'en_US.UTF-8' }).ascii).toBe(true);
    expect(themeFromEnv({ LC_CTYPE: 'en_US.UTF-8', LANG: 'C' }).ascii).toBe(false);
  });
});
