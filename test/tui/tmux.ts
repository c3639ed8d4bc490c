import { execFileSync, spawnSync } from 'node:child_process';

/**
 * A real terminal for end-to-end tests: a tmux server on its own socket (so nothing else's tmux is touched), one
 * session of a given size running one command, keys sent and the screen captured as text.
 */
export function tmuxTerminal(o: { name: string; columns: number; rows: number; cwd: string; env: NodeJS.ProcessEnv; command: string }) {
  const socket = `orch-${o.name}-${process.pid}`;
  // CI set, as on a CI machine: a screen on a real terminal must draw live even there.
  const env = { ...o.env, CI: 'true' };
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { cwd: o.cwd, env, encoding: 'utf8' });
  // A shell that runs the command, then says how it ended and stays, so the restored screen can be read.
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', String(o.columns), '-y', String(o.rows), 'bash', '--norc', '--noprofile');
  tmux('set-option', '-t', 't', 'status', 'off');
  tmux('send-keys', '-t', 't', '-l', `PS1='$ '; clear; echo BEFORE-TUI; ${o.command}; echo TUI-EXIT=$?`);
  tmux('send-keys', '-t', 't', 'Enter');
  const screen = (): string => tmux('capture-pane', '-p', '-t', 't');
  return {
    screen,
    /** Keys as tmux names them (`Enter`, `Escape`, `BSpace`) or literal text with `literal`. */
    keys(...keys: string[]) {
      tmux('send-keys', '-t', 't', ...keys);
    },
    type(text: string) {
      tmux('send-keys', '-t', 't', '-l', text);
    },
    resize(columns: number, rows: number) {
      tmux('resize-window', '-t', 't', '-x', String(columns), '-y', String(rows));
    },
    /** `#{alternate_on}`, `#{cursor_flag}`: whether the terminal was given back as it was. */
    format: (f: string): string => tmux('display-message', '-p', '-t', 't', f).trim(),
    async waitFor(what: string | RegExp | ((screen: string) => boolean), timeoutMs = 60_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (typeof what === 'string' ? s.includes(what) : typeof what === 'function' ? what(s) : what.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(what)} on the terminal:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close() {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env: o.env });
    },
  };
}
