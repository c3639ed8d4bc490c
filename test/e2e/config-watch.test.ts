import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPaths } from '../../src/paths/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { startReceiver, type Receiver } from '../notify-receiver.js';

// The daemon watches its config files: an edit applies with no `orch` command run (watched from outside: a command's
// own drift check would reload too). A file that does not load changes nothing and is said with file, line and key.
describe('config files edited under a running daemon', () => {
  let sb: Sandbox;
  let bot: Receiver | undefined;
  afterAll(async () => {
    sb?.cleanup();
    await bot?.close();
  });

  it('a new value applies by itself, a bad file keeps the old config (log and orch status say where), [notify.telegram] too', { timeout: 120_000 }, async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/a.txt': 'alpha' }), '.orch/config.toml': 'max_parallel_agents = 2\n' }, { env: { ORCH_TELEGRAM_TOKEN: '555:watch' } });
    const log = createPaths(sb.env).project(sb.repo).daemonLog;
    const logText = (): string => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    expect(sb.orch('status').status).toBe(0);
    const pid = sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid;
    // The daemon's own line, looked for in what it logs after the call (made before the write).
    const waitLog = async (re: RegExp, what: string): Promise<void> => {
      const from = logText().length;
      await until(() => re.test(logText().slice(from)), what, 20_000).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${logText().slice(from)}`);
      });
    };

    const applied = waitLog(/config reloaded \(file changed\): max_parallel_agents 2 -> 5/, 'the daemon to reload the edited file');
    sb.write('.orch/config.toml', 'max_parallel_agents = 5\n');
    await applied;
    const st = sb.orch('status', '--json');
    expect((JSON.parse(st.stdout) as { maxParallel: number; daemon: { pid: number } }).maxParallel).toBe(5);
    // Nothing was left for the command to reload, and it is the same daemon.
    expect(st.stderr).not.toMatch(/config reloaded by the daemon/);
    expect((JSON.parse(st.stdout) as { daemon: { pid: number } }).daemon.pid).toBe(pid);

    const refused = waitLog(/config not reloaded, the daemon keeps the config it had: [\s\S]*config\.toml:1: max_parallel_agents: expected an integer/, 'the daemon to refuse the bad file');
    sb.write('.orch/config.toml', 'max_parallel_agents = "lots"\n');
    await refused;
    const bad = sb.orch('status');
    expect(bad.status, bad.stderr).toBe(0);
    expect(bad.stdout).toMatch(/config not applied, the daemon keeps the one it had: [\s\S]*\.orch\/config\.toml:1: max_parallel_agents: expected an integer from 1 to 64, received "lots"/);
    expect(bad.stderr).toMatch(/the daemon keeps the config it had: [\s\S]*max_parallel_agents/);
    const badJson = JSON.parse(sb.orch('status', '--json').stdout) as { maxParallel: number; configError?: string };
    expect(badJson.maxParallel).toBe(5);
    expect(badJson.configError).toMatch(/config\.toml:1: max_parallel_agents/);

    const fixed = waitLog(/config reloaded \(file changed\): max_parallel_agents 5 -> 3/, 'the fixed file to apply');
    sb.write('.orch/config.toml', 'max_parallel_agents = 3\n');
    await fixed;
    expect(logText()).toMatch(/config files usable again/);
    expect(JSON.parse(sb.orch('status', '--json').stdout)).not.toHaveProperty('configError');

    // [notify.telegram] added to the user's config: the reply poller is made with it, no restart.
    bot = await startReceiver();
    const telegram = waitLog(/telegram replies: polling with the new \[notify\.telegram\]/, 'the Telegram poller to be made');
    appendFileSync(join(sb.base, 'config', 'orch', 'config.toml'), `\n[notify.telegram]\nchat_id = 42\napi_url = "${bot.url}"\n`);
    await telegram;
    const test = await sb.orchAsync('notify', 'test', 'telegram');
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(bot.received.map((r) => r.path)).toContain('/bot555:watch/sendMessage');
    expect(sb.orchJson<{ daemon: { pid: number } }>('status').daemon.pid).toBe(pid);
  });
});
