import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from './App.js';
import type { Client } from '../client/index.js';
import { fakeClient, output, persisted, run, status, task } from './testing.js';
import type { Theme } from './theme.js';

const color: Theme = { color: true, ascii: false };
let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function until(what: string, fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function mount(connect: () => Promise<Client>, o: { size?: { columns: number; rows: number }; theme?: Theme } = {}) {
  const r = render(<App connect={connect} theme={o.theme ?? color} size={o.size ?? { columns: 100, rows: 40 }} frameMs={5} backoff={{ initialMs: 20, maxMs: 40 }} />);
  unmount = r.unmount;
  const frame = () => r.lastFrame() ?? '';
  const shows = (text: string | RegExp, timeoutMs?: number) => until(`"${String(text)}" on screen; last frame:\n${frame()}`, () => (typeof text === 'string' ? frame().includes(text) : text.test(frame())), timeoutMs);
  const press = async (keys: string) => {
    for (const k of keys) r.stdin.write(k);
    await new Promise((res) => setImmediate(res));
  };
  return { ...r, frame, shows, press };
}

const world = () => {
  const active = [run('r1', 'a/E01'), run('r2', 'b/E01', 'waiting', { waitingReason: 'question: Which currency?' })];
  return fakeClient({
    status: status(active),
    tasks: [task('a/E01', { status: 'in_progress' }), task('b/E01', { status: 'in_progress' }), task('a/E02', { ready: true }), task('a/E03', { ready: false, dependsOn: ['a/E02'], waitingFor: ['a/E02'] })],
    questions: [{ id: 'q1', runId: 'r2', taskId: 'b/E01', kind: 'question', text: 'Which currency?', audience: 'human', answer: null, answeredBy: null, createdAt: '', answeredAt: null }],
  });
};

describe('orch tui', () => {
  it('dashboard: header counts, running with activity, queued with what it waits for, needs you', async () => {
    const w = world();
    const ui = mount(async () => w.client);
    await ui.shows('RUNNING 2');
    expect(ui.frame()).toContain('agents 1/4');
    expect(ui.frame()).toContain('merged today 3');
    expect(ui.frame()).toContain('needs you 1');
    expect(ui.frame()).toContain('12k tok $1.50 today');
    expect(ui.frame()).toMatch(/a\/E02\s+ready/);
    expect(ui.frame()).toContain('after a/E02');
    expect(ui.frame()).toMatch(/question\s+b\/E01\s+Which currency\?/);
    await until('a stream', () => w.streams.length === 1);
    w.streams[0]?.push(output('r1', 'a/E01', { type: 'tool_call', id: 't', name: 'Edit', input: { file_path: '/w/r1/src/x.ts' } }));

    await ui.shows('editing src/x.ts');
  });

  it('header: the worker pool when a cluster is configured, and when it is unavailable', async () => {
    const worker = { name: 'w1', host: 'h', pid: 1, jobs: 2, running: [{ id: 'j', queue: 'q', taskId: 'a/E01', startedAt: '' }], labels: [], agents: [{ id: 'claude' }], repos: [], startedAt: '', heartbeat: 0, orch: '0.1.0', protocol: 2 };
    const up = fakeClient({ status: status([run('r1', 'a/E01')], { cluster: { url: 'redis://q', repoUrl: '/r', available: true, workers: [worker, { ...worker, name: 'w2', running: [] }], orch: '0.1.0', protocol: 2 } }), tasks: [task('a/E01', { status: 'in_progress' })] });
    const ui = mount(async () => up.client);
    await ui.shows('agents 1/4 │ workers 2 (1/4) │ queued');
    ui.unmount();
    const down = fakeClient({ status: status([], { cluster: { url: 'redis://q', repoUrl: '/r', available: false, error: 'Redis at redis://q is unreachable (reconnecting)', workers: [] } }), tasks: [] });
    const ui2 = mount(async () => down.client);
    await ui2.shows('agents 0/4 │ cluster unavailable │ queued');
  });

  it('agents view: readable panes, h j k l focus, enter zooms, esc back', async () => {
    const w = world();
    const ui = mount(async () => w.client);
    await ui.shows('RUNNING 2');
    await until('a stream', () => w.streams.length === 1);
    const push = w.streams[0]!.push;
    push(output('r1', 'a/E01', { type: 'text', text: 'Let me look.' }));
    push(output('r1', 'a/E01', { type: 'tool_call', id: 't', name: 'Bash', input: { command: 'npm test', description: 'x'.repeat(500) } }));
    push(output('r1', 'a/E01', { type: 'tool_result', id: 't', isError: true, output: 'FAIL one\ntwo\nthree' }));
    await ui.press('2');
    await ui.shows('→ Bash npm test');
    expect(ui.frame()).toContain('← error: FAIL one (+2 lines)');
    expect(ui.frame()).not.toContain('{"');
    expect(ui.frame()).toContain('b/E01');
    await ui.press('l');
    await ui.press('\r');
    await ui.shows(/b\/E01 waiting: question/);
    expect(ui.frame()).not.toContain('a/E01');
    await ui.press('\u001b');
    await ui.shows('a/E01');
  });

  it('actions go through the API with a confirmation, and the answer shows in the status line', async () => {
    const w = world();
    const ui = mount(async () => w.client);
    await ui.shows('RUNNING 2');
    await ui.press('S');
    await ui.shows('start how many ready tasks');
    await ui.press('\u007f3\r');
    await ui.shows('started a/E02');
    expect(w.posts[0]).toEqual({ path: '/api/start', body: { tasks: [], count: 3 } });
    await ui.press('x');
    await ui.shows('stop a/E01? its agent ends');
    await ui.press('n');
    await ui.shows('cancelled');
    expect(w.posts).toHaveLength(1);
    await ui.press('x');
    await ui.press('y');
    await ui.shows('stopped a/E01');
    expect(w.posts[1]).toEqual({ path: '/api/stop', body: { tasks: ['a/E01'] } });
    await ui.press('j');
    await ui.press('a');
    await ui.shows('answer b/E01: Which currency?');
    await ui.press('EUR\r');
    await ui.shows('answered b/E01');
    expect(w.posts[2]).toMatchObject({ path: '/api/questions/q1/answer', body: { answer: 'EUR' } });
  });

  it('q quits, but not while typing; ? lists every key', async () => {
    const w = world();
    let exited = false;
    const r = render(<App connect={async () => w.client} theme={color} size={{ columns: 100, rows: 60 }} frameMs={5} onExit={() => (exited = true)} />);
    unmount = r.unmount;
    await until('dashboard', () => (r.lastFrame() ?? '').includes('RUNNING'));
    r.stdin.write('?');
    await until('help', () => (r.lastFrame() ?? '').includes('KEYS'));
    expect(r.lastFrame()).toContain('start the next N ready tasks');
    // Narrower than the views column: a key bound in a view or two says where (`f` is two keys), space is named.
    expect(r.lastFrame()).toMatch(/^f\s+log: follow mode on\/off$/m);
    expect(r.lastFrame()).toMatch(/^f\s+plan: filter by module/m);
    expect(r.lastFrame()).toMatch(/^pagedown space\s+page down$/m);
    r.stdin.write('\u001b');
    // ESC then a key at once reads as Alt+key, as in a terminal.
    await until('help closed', () => !(r.lastFrame() ?? '').includes('KEYS'));
    r.stdin.write('M');
    await until('input', () => (r.lastFrame() ?? '').includes('maintenance kind'));
    r.stdin.write('q');
    await until('q typed', () => (r.lastFrame() ?? '').includes('maintenance kind [module] (e.g. docs, tests, refactor): q'));
    expect(exited).toBe(false);
    // Ctrl-C in an input box asks first; no gives the box back with what was typed.
    r.stdin.write('\u0003');
    await until('asked', () => (r.lastFrame() ?? '').includes('quit and lose what you typed?'));
    r.stdin.write('n');
    await until('the box back', () => (r.lastFrame() ?? '').includes('maintenance kind [module] (e.g. docs, tests, refactor): q'));
    expect(exited).toBe(false);
    r.stdin.write('\u001b');
    await until('input closed', () => !(r.lastFrame() ?? '').includes('maintenance kind'));
    r.stdin.write('q');
    await until('exit', () => exited);
  });

  it('plan view: the tree with marks, what blocks what, the critical path, filters, enter shows a task', async () => {
    const active = [run('r1', 'a/E02')];
    const w = fakeClient({
      status: status(active),
      tasks: [
        task('a/E01', { status: 'complete', title: 'Invoice model' }),
        task('a/E02', { status: 'in_progress', title: 'Webhooks', dependsOn: ['a/E01'] }),
        task('a/E03', { title: 'Refunds', ready: false, dependsOn: ['a/E02'], waitingFor: ['a/E02'] }),
        task('b/E01', { title: 'Sessions' }),
      ],
    });
    const ui = mount(async () => w.client, { theme: { color: false, ascii: false } });
    await ui.shows('RUNNING 1');
    await ui.press('3');
    await ui.shows('critical path (2): a/E02 → a/E03');
    // A merged task blocks nothing; an unfinished one names its unfinished dependents.
    expect(ui.frame()).toMatch(/^a {2}1\/3$/m);
    expect(ui.frame()).toMatch(/^├─ ● a\/E01 Invoice model$/m);
    expect(ui.frame()).toMatch(/^├─ ◐ a\/E02 Webhooks {2}blocks a\/E03$/m);
    expect(ui.frame()).toMatch(/^└─ ○ a\/E03 Refunds {2}waits for a\/E02$/m);
    await ui.press('f');
    await ui.shows('filter: module a');
    expect(ui.frame()).not.toContain('b/E01');
    await ui.press('f');
    await ui.shows('filter: module b');
    expect(ui.frame()).not.toContain('a/E01');
    await ui.press('fF');
    await ui.shows('filter: status not_started');
    expect(ui.frame()).toContain('a/E03 Refunds');
    expect(ui.frame()).not.toContain('a/E02 Webhooks');
    await ui.press('c');
    await ui.shows('filter: status not_started, critical path');
    expect(ui.frame()).not.toContain('b/E01');
    await ui.press('Fc');
    await ui.shows('filter: status in_progress');
    await ui.press('F');
    await ui.press('F');
    await ui.press('F');
    await ui.press('F');
    await ui.shows('filter: none');
    // The first row is a module; j moves to a/E01, j again to a/E02: enter shows it.
    await ui.press('jj\r');
    await ui.shows('a/E02 Webhooks (in_progress; L log');
    expect(ui.frame()).toContain('depends on a/E01');
  });

  it('log view: search with / n N, filter, follow', async () => {
    const w = world();
    const ui = mount(async () => w.client);
    await ui.shows('RUNNING 2');
    await ui.press('L');
    await ui.shows('← error: FAIL x.test.ts (+1 lines)');
    expect(ui.frame()).toContain('→ Bash npm test');
    await ui.press('/');
    await ui.press('worktree\r');
    await ui.shows('/worktree');
    await ui.press('t');
    await ui.shows('filter tools');
    expect(ui.frame()).not.toContain('worktree created');
    await ui.press('t');
    await ui.shows('filter errors');
    expect(ui.frame()).not.toContain('→ Bash');
  });

  it('keys that arrive in one read ("jL", "1P", "sy") are each a key; a paste into an input box stops at its newline', async () => {
    const w = world();
    const ui = mount(async () => w.client);
    await ui.shows('RUNNING 2');
    // One write is one read for Ink: as a terminal delivers keys typed fast or sent together under load.
    ui.stdin.write('jL');
    await ui.shows(/> log/);
    expect(ui.frame()).not.toContain('RUNNING 2');
    ui.stdin.write('1P');
    await ui.shows('pause everything?');
    expect(ui.frame()).toContain('[1 dashboard]');
    ui.stdin.write('n');
    await ui.shows('cancelled');
    ui.stdin.write('jjsy');
    await until('the start posted', () => w.posts.some((p) => p.path === '/api/start'));
    expect(w.posts.find((p) => p.path === '/api/start')?.body).toEqual({ tasks: ['a/E02'] });
    ui.stdin.write('a');
    await ui.shows('answer b/E01');
    ui.stdin.write('EUR\rq2');
    await until('the answer posted', () => w.posts.some((p) => p.path.endsWith('/answer')));
    expect(w.posts.find((p) => p.path.endsWith('/answer'))?.body).toEqual({ answer: 'EUR' });
    await ui.shows('answered b/E01');
    // "q2" came in the same paste: not keys (no quit, no view change).
    expect(ui.frame()).toContain('[1 dashboard]');
  });

  it('keeps up with a flood: panes capped, skipped lines counted, memory bounded', async () => {
    const active = Array.from({ length: 10 }, (_, i) => run(`r${i}`, `m${i}/E01`));
    const w = fakeClient({ status: status(active), tasks: active.map((r) => task(r.taskId, { status: 'in_progress' })) });
    const ui = mount(async () => w.client, { size: { columns: 100, rows: 40 } });
    await ui.shows('RUNNING 10');
    await until('a stream', () => w.streams.length === 1);
    await ui.press('2');
    for (let i = 0; i < 5000; i++) for (const r of active) w.streams[0]!.push(output(r.id, r.taskId, { type: 'text', text: `line ${i} of ${r.taskId}` }));
    await ui.shows('line 4999 of m0/E01');
    await ui.shows(/\d+ lines skipped/);
    const skipped = Number(/(\d+) lines skipped/.exec(ui.frame())?.[1]);
    expect(skipped).toBeGreaterThan(4000);
  });

  it('narrow 80x24: panes collapse to a list; NO_COLOR and ASCII draw without escapes or Unicode marks', async () => {
    const w = world();
    const ui = mount(async () => w.client, { size: { columns: 80, rows: 24 }, theme: { color: false, ascii: true } });
    await ui.shows('RUNNING 2');
    await ui.press('2');
    await ui.shows('> a/E01');
    expect(ui.frame()).toContain('? b/E01 waiting: question');
    // eslint-disable-next-line no-control-regex
    expect(ui.frame()).not.toMatch(/\u001b\[3\dm/);
    expect(ui.frame()).not.toMatch(/[▶⏸█░│●◐]/);
    for (const line of ui.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('says when the daemon is gone, reconnects with backoff and replays from the last seq', async () => {
    const w = world();
    let connects = 0;
    let up = true;
    const ui = mount(async () => {
      connects++;
      if (!up) throw new Error('connect ECONNREFUSED');
      return w.client;
    });
    await ui.shows('RUNNING 2');
    await until('a stream', () => w.streams.length === 1);
    w.streams[0]!.push(persisted({ type: 'run.state', taskId: 'a/E01', runId: 'r1', data: { from: 'running', to: 'agent_done', error: null } }));
    await ui.shows(/a\/E01.*agent_done/);
    up = false;
    w.streams[0]!.end();
    await ui.shows(/daemon unreachable, retrying in \d+\.\d s \(connect ECONNREFUSED\)/);
    const lost = connects;
    up = true;
    await until('reconnected', () => w.streams.length === 2);
    expect(connects).toBeGreaterThan(lost);
    expect(w.streams[1]?.since).toBeGreaterThan(0);
    await ui.shows('agents 1/4');
  });
});
