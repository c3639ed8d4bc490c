import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonInfo } from '../../src/api/index.js';
import { createClient } from '../../src/client/index.js';
import { createPaths } from '../../src/paths/index.js';
import { epic, orchBin, sandbox, until, type Sandbox } from '../harness.js';
import { tmuxTerminal } from '../tui/tmux.js';
import { startModel } from './model.js';

const write = (path: string, content: string) => ({ name: 'Write', input: { file_path: `{{cwd}}/${path}`, content } });
const scenarios = {
  ask: [{ text: 'I need a decision.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Which currency should prices use?' } }] }, { text: 'Waiting for the answer.' }],
  answered: [{ text: 'Using the answer.', tools: [write('currency.txt', 'EUR\n')] }, { text: 'Done: wrote currency.txt' }],
};

describe('orch tui in a real terminal (tmux) against a daemon running the real Claude Code on the simulated model', () => {
  let sb: Sandbox;
  let model: { url: string; close: () => void };
  let term: ReturnType<typeof tmuxTerminal>;
  beforeAll(async () => {
    sb = sandbox(
      {
        '.orch/config.toml': '# project settings\nmax_parallel_agents = 3 # agents at once\n\n[agent]\nanswer_wait_seconds = 0\n',
        'docs/plans/a-module/epic-01-greet.md': epic('Greeting', 'A greeting.', { 'src/greet.js': 'export const greet = (n) => `hello ${n}`;' }),
        'docs/plans/b-module/epic-01-ask.md': '# Prices\n\nPick a currency. [[scenario:ask]]\n',
        'docs/plans/c-module/epic-01-auth.md': epic('Auth', 'Sessions.', { 'src/auth.js': 'export const ttl = 3600;' }, 'needs_review: true'),
      },
      { realClaude: true },
    );
    model = await startModel({ scenarios, dir: sb.base });
    Object.assign(sb.env, { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CONFIG_DIR: join(sb.base, 'claude'), CLAUDE_CODE_MAX_RETRIES: '0', TERM: 'xterm-256color', LANG: 'C.UTF-8' });
    delete sb.env.NO_COLOR;
    term = tmuxTerminal({ name: 'e2e', columns: 160, rows: 48, cwd: sb.repo, env: sb.env, command: `node ${orchBin} tui` });
  });
  afterAll(() => {
    term?.close();
    sb?.cleanup();
    model?.close();
  });

  const status = (task: string) => sb.orchJson<{ task: { status: string } }>('show', task).task.status;

  it('dashboard, start from the keyboard to merged, answer a question, merge a flagged change, quit leaving the daemon', async () => {
    // The TUI starts the daemon, as any command does, and shows the queue.
    let screen = await term.waitFor(/agents 0\/3 │ queued 3/, 60_000);
    expect(screen).toContain('QUEUED 3');
    expect(screen).toMatch(/a\/E01\s+Greeting\s+ready/);

    // Settings: a limit written to the file it came from (comments kept), reloaded by the daemon at once.
    term.keys('4');
    await term.waitFor(/max_parallel_agents\s+3\s+project \.orch\/config\.toml/);
    term.keys('Enter');
    await term.waitFor('max_parallel_agents (how many agents');
    term.keys('BSpace');
    term.type('4');
    term.keys('Enter');
    await term.waitFor('max_parallel_agents = 4 written to project .orch/config.toml; applied now');
    await term.waitFor(/agents 0\/4/);
    expect(readFileSync(join(sb.repo, '.orch/config.toml'), 'utf8')).toContain('max_parallel_agents = 4 # agents at once');
    term.keys('1');
    await term.waitFor(/^Orch \[1 dashboard\]/);

    // Start the selected task (the first ready one), confirmed.
    term.keys('s');
    await term.waitFor('start a/E01?  [y/n]');
    term.keys('y');
    await term.waitFor('started a/E01');
    await until(() => status('a/E01') === 'complete', 'a/E01 to merge', 120_000);
    await term.waitFor(/merged today 1/);

    // Start the next ready task (N asked in an input box): the one that asks a question.
    term.keys('S');
    await term.waitFor('start how many ready tasks');
    term.keys('BSpace');
    term.type('1');
    term.keys('Enter');
    await term.waitFor('started b/E01');

    // The question shows under NEEDS YOU; `a` answers it in an input box, and the run resumes to merged.
    screen = await term.waitFor(/question\s+b\/E01\s+Which currency should prices use\?/, 120_000);
    term.keys('a');
    await term.waitFor('answer b/E01: Which currency should prices use?');
    term.type('EUR [[scenario:answered]]');
    term.keys('Enter');
    await term.waitFor('answered b/E01');
    await until(() => status('b/E01') === 'complete', 'b/E01 to resume and merge', 120_000).catch((e: Error) => {
      // What the run did instead, for whoever reads the failure.
      if (process.env.ORCH_KEEP_FAILED) spawnSync('cp', ['-a', sb.base, `${process.env.ORCH_KEEP_FAILED}-${Date.now()}`]);
      const daemonLog = readFileSync(createPaths(sb.env).project(sb.repo).daemonLog, 'utf8');
      throw new Error(`${e.message}\n${sb.orch('show', 'b/E01').stdout}\n${sb.orch('logs', 'b/E01').stdout.slice(-4000)}\ndaemon log:\n${daemonLog.slice(-6000)}`);
    });
    expect(sb.git('show', 'main:currency.txt')).toBe('EUR\n');

    // The flagged change: its reasons and diff, then merged after a confirmation.
    term.keys('S');
    await term.waitFor('start how many ready tasks');
    term.keys('Enter');
    // The batch started for b/E01 may already have taken c/E01 when it became ready: then nothing is left to start.
    await term.waitFor(/started c\/E01|nothing ready to start/);
    await term.waitFor(/review\s+c\/E01/, 120_000);

    // Narrow and resized: the agents view collapses to a list plus the focused pane; a line wider than the terminal
    // would wrap and push the header off the top, so each frame must start with it and end on the last row.
    const fits = (screen: string, rows: number) => {
      const lines = screen.replace(/\n+$/, '').split('\n');
      expect(lines[0], screen).toMatch(/^Orch /);
      expect(lines.length, screen).toBe(rows);
      // The header keeps every count whole at any width (shorter forms, then two lines): none ends cut.
      for (const l of lines.slice(0, lines.findIndex((x) => !/^(Orch |agents |run |today: |merged )/.test(x)))) expect(l, screen).not.toMatch(/…$/);
      expect(screen).toMatch(/needs you \d|you \d/);
    };
    term.keys('2');
    await term.waitFor('1 agents, page 1/1');
    for (const [columns, rows] of [[80, 24], [60, 20]] as const) {
      term.resize(columns, rows);
      screen = await term.waitFor((s) => /^Orch .*\n[^]*⏸ c\/E01 waiting/.test(s) && !s.includes('page 1/1') && s.replace(/\n+$/, '').split('\n').length === rows);
      fits(screen, rows);
      term.keys('1');
      fits(await term.waitFor((s) => /^Orch \[1 dashboard\]/.test(s) && s.includes('RUNNING') && s.replace(/\n+$/, '').split('\n').length === rows), rows);
      term.keys('2');
      await term.waitFor(/^Orch .*\[2 agents\]/);
    }
    term.resize(160, 48);
    fits(await term.waitFor('1 agents, page 1/1'), 48);
    term.keys('1');
    fits(await term.waitFor(/review\s+c\/E01/), 48);
    term.keys('d');
    screen = await term.waitFor('flagged change of c/E01');
    expect(screen).toContain('+export const ttl = 3600;');
    term.keys('m');
    await term.waitFor(/merge c\/E01 \(flagged \w+\) into main\?/);
    term.keys('y');
    await term.waitFor('c/E01 approved; merging');
    await until(() => status('c/E01') === 'complete', 'c/E01 to merge', 120_000);
    await term.waitFor(/merged today 3/, 30_000);

    // The plan view and a whole log, readable (no raw JSON).
    term.keys('3');
    screen = await term.waitFor(/├─ . a\/E01 Greeting|└─ . a\/E01 Greeting/);
    term.keys('j');
    term.keys('Enter');
    await term.waitFor(/a\/E01 Greeting \(complete; L log/);
    term.keys('L');
    screen = await term.waitFor(/→ Write src\/greet\.js/, 20_000);
    expect(screen).not.toMatch(/\{"type":/);
    term.keys('Escape');

    // q quits; the daemon keeps running; the terminal is given back (main screen, cursor shown).
    term.keys('q');
    screen = await term.waitFor('TUI-EXIT=0', 15_000);
    expect(screen).toContain('BEFORE-TUI');
    expect(term.format('#{alternate_on}')).toBe('0');
    expect(term.format('#{cursor_flag}')).toBe('1');
    const daemon = sb.orch('daemon', 'status', '--json');
    expect(JSON.parse(daemon.stdout)).toMatchObject({ running: true });

    // Every persisted event of the session parses with its typed payload (no client guesses at shapes).
    const info = DaemonInfo.parse(JSON.parse(readFileSync(createPaths(sb.env).project(sb.repo).daemonFile, 'utf8')));
    const valid: string[] = [];
    const invalid: unknown[] = [];
    const abort = new AbortController();
    const stream = createClient(info).events((e) => valid.push(e.type), { since: 0, signal: abort.signal, output: false, onInvalid: (raw) => invalid.push(raw) });
    await until(() => valid.includes('task.status') && valid.includes('run.question') && valid.includes('run.answer'), 'the replayed events');
    abort.abort();
    await stream;
    expect(invalid).toEqual([]);
  }, 480_000);
});
