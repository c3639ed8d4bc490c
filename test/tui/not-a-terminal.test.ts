import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalProblem } from '../../src/cli/commands/tui.js';
import { orchBin, sandbox, type Sandbox } from '../harness.js';
import { tmuxTerminal } from './tmux.js';

describe('orch tui where it cannot draw', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = sandbox({ 'docs/plans/a-module/epic-01-x.md': '# X\n\nDo it.\n' });
  });
  afterAll(() => sb?.cleanup());

  it('says why and what to use instead, exit 2, without starting a daemon: output or input not a terminal', () => {
    // spawnSync: stdin and stdout are pipes. Before, Ink failed on raw mode and the command never ended.
    const r = sb.orch('tui');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('orch tui draws on a terminal and its output is not one');
    expect(r.stderr).toContain('orch status');
    expect(r.stdout).not.toContain('\u001b[?1049h');
    expect(JSON.parse(sb.orch('daemon', 'status', '--json').stdout)).toMatchObject({ running: false });
  });

  it('TERM=dumb in a real terminal: the message, exit 2, the screen as it was', async () => {
    const term = tmuxTerminal({ name: 'dumb', columns: 100, rows: 12, cwd: sb.repo, env: sb.env, command: `TERM=dumb node ${orchBin} tui` });
    try {
      const screen = await term.waitFor('TUI-EXIT=', 30_000);
      expect(screen).toContain('TERM=dumb cannot');
      expect(screen).toContain('TUI-EXIT=2');
      expect(term.format('#{alternate_on}')).toBe('0');
    } finally {
      term.close();
    }
  });

  it('names stdin when only the input is not a terminal', () => {
    expect(terminalProblem({ stdinTTY: false, stdoutTTY: true, term: 'xterm' })).toContain('reads keys from a terminal and its input is not one');
    expect(terminalProblem({ stdinTTY: true, stdoutTTY: true, term: 'xterm-256color' })).toBeUndefined();
  });
});
