import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { onProcessEnd } from '../process-end.js';

/**
 * A real terminal for end-to-end tests: a tmux server on its own socket (so nothing else's tmux is touched, and no
 * two terminals share one, whatever files run at once), one session of a given size running one command, keys sent
 * and the screen captured as text. The server (and with it the command, which gets SIGHUP) is killed by `close`,
 * or when the test process ends any other way (killed, interrupted).
 */
export function tmuxTerminal(o: { name: string; columns: number; rows: number; cwd: string; env: NodeJS.ProcessEnv; command: string }) {
  const socket = `orch-${o.name}-${process.pid}-${randomBytes(4).toString('hex')}`;
  // CI set, as on a CI machine: a screen on a real terminal must draw live even there.
  const env = { ...o.env, CI: 'true' };
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { cwd: o.cwd, env, encoding: 'utf8' });
  let socketPath = '';
  const close = onProcessEnd(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { env: o.env });
    // tmux leaves its socket file behind: one per run would pile up in /tmp/tmux-UID.
    if (socketPath) rmSync(socketPath, { force: true });
  });
  // A shell that runs the command, then says how it ended and stays, so the restored screen can be read.
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', String(o.columns), '-y', String(o.rows), 'bash', '--norc', '--noprofile');
  socketPath = tmux('display-message', '-p', '-t', 't', '#{socket_path}').trim();
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
    /** The tmux socket's name (`tmux -L NAME`). */
    socket,
    close,
  };
}
