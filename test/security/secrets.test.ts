import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';

/**
 * A provider key in the daemon's environment and a token printed by the project's tests: the key never reaches
 * the build/test commands, and neither value is in what Orch stores (SQLite, run logs) or prints (`orch show --json`).
 */
const PROVIDER_KEY = 'sk-ant-api03-FAKEFAKEFAKEFAKEFAKEFAKEFAKE0123456789';
const LEAKED = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB';
// Put together at run time: the config file itself must not hold a token (it would be refused, rightly).
const PRINT = `console.log("key=" + (process.env.ANTHROPIC_API_KEY ?? "none")); console.log("token " + "ghp_" + "${LEAKED.slice(4)}")`;

let sb: Sandbox | undefined;
afterAll(() => sb?.cleanup());

const filesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).map((f) => join(dir, f));

describe('secrets stay secret', () => {
  it('gives build/test no provider keys, redacts secrets from the store, the logs and `orch show`, and keeps state private', () => {
    sb = sandbox(
      {
        'docs/plans/core-module/epic-01-a.md': epic('A', 'a', { 'a.txt': 'a' }),
        '.orch/config.toml': `[commands]\ntest = ["node", "-e", ${JSON.stringify(PRINT)}]\n`,
      },
      { env: { ANTHROPIC_API_KEY: PROVIDER_KEY } },
    );
    const r = sb.orch('start', 'core/E01', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const shown = sb.orch('show', 'core/E01', '--json').stdout;
    const v = (JSON.parse(shown) as { runs: Array<{ verification: Array<{ kind: string; outputTail: string }> | null }> }).runs[0]?.verification ?? [];
    const tail = v.find((x) => x.kind === 'test')?.outputTail ?? '';
    expect(tail).toContain('key=none');
    expect(tail).toContain('token [redacted]');
    expect(shown).not.toContain(LEAKED);
    expect(shown).not.toContain(PROVIDER_KEY);

    const state = join(sb.base, 'state', 'orch', 'projects');
    const project = join(state, readdirSync(state)[0] ?? '');
    expect(statSync(project).mode & 0o777).toBe(0o700);
    for (const f of filesUnder(project)) {
      const st = statSync(f);
      if (st.isDirectory()) expect(st.mode & 0o077, f).toBe(0);
      else {
        expect(st.mode & 0o077, f).toBe(0);
        const bytes = readFileSync(f);
        expect(bytes.includes(LEAKED), `${f} holds the token`).toBe(false);
        expect(bytes.includes(PROVIDER_KEY), `${f} holds the provider key`).toBe(false);
      }
    }
  });

  it("gives build/test none of the session's sockets, even through pass_env wildcards; a name the user gave exactly is theirs", () => {
    const session = {
      SSH_AUTH_SOCK: '/tmp/ssh-x/agent.1', DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-x', DISPLAY: ':0', XDG_RUNTIME_DIR: '/run/user/0',
      TMUX: '/tmp/tmux-0/default,1,0', KITTY_LISTEN_ON: 'unix:@kitty', NOTIFY_SOCKET: '/run/systemd/notify', DOCKER_HOST: 'tcp://127.0.0.1:2375',
    };
    const print = `console.log("session=" + ${JSON.stringify(Object.keys(session))}.filter((k) => process.env[k] !== undefined).join(","))`;
    const s2 = sandbox(
      {
        'docs/plans/core-module/epic-01-a.md': epic('A', 'a', { 'a.txt': 'a' }),
        '.orch/config.toml': `[commands]\ntest = ["node", "-e", ${JSON.stringify(print)}]\n`,
      },
      { env: session },
    );
    try {
      const user = join(s2.base, 'config', 'orch', 'config.toml');
      writeFileSync(user, readFileSync(user, 'utf8').replace('pass_env = ["FAKE_CLAUDE_*"]', 'pass_env = ["FAKE_CLAUDE_*", "SSH_*", "DBUS_*", "DISPLAY*", "XDG_*", "TMUX*", "KITTY_*", "NOTIFY_*", "DOCKER_HOST"]'));
      const r = s2.orch('start', 'core/E01', '--wait');
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const v = (JSON.parse(s2.orch('show', 'core/E01', '--json').stdout) as { runs: Array<{ verification: Array<{ kind: string; outputTail: string }> | null }> }).runs[0]?.verification ?? [];
      expect(v.find((x) => x.kind === 'test')?.outputTail ?? '').toMatch(/^session=DOCKER_HOST$/m);
    } finally {
      s2.cleanup();
    }
  });
});
