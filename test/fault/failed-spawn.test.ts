import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { epic, repoRootDir, sandbox, until } from '../harness.js';

/**
 * Issue 9: an agent that could not be spawned left the run's one-hour agent timer set, so a daemon that had said
 * "stopped" stayed alive for up to an hour. The daemon here runs in a process of its own that does not call
 * process.exit() (as src/daemon/main.ts does): once stopped, it must end by itself, nothing left pending.
 */
const serveModule = join(repoRootDir, 'dist', 'src', 'daemon', 'serve.js');

/** Alive and not a zombie, from /proc (nothing reaps orphans here). */
const running = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

describe('a failed agent spawn', () => {
  const sb = sandbox({ 'docs/plans/core/epic-01-a.md': epic('A', 'Write a.', { 'a.txt': 'a' }) });
  afterAll(() => sb.cleanup());

  it('leaves no timer behind: the stopped daemon ends at once', async () => {
    // An argument with a NUL byte: spawn() throws before any process exists.
    const userConfig = join(sb.base, 'config', 'orch', 'config.toml');
    writeFileSync(userConfig, `[agent]\nargs = ["bad\\u0000arg"]\n\n[sandbox]\nmode = "off"\n`);
    const code = `const { serve } = await import(${JSON.stringify(serveModule)});
      const d = await serve({ root: ${JSON.stringify(sb.repo)}, port: 0, log: (m) => process.stderr.write(m + '\\n') });
      await d.stopped;
      process.stderr.write('serve stopped\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: sb.repo, env: sb.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const pid = child.pid ?? 0;
    await until(() => /daemon for .* on http/.test(log), `the daemon to serve; log:\n${log}`);
    const start = sb.orch('start', 'core/E01');
    expect(start.status, start.stderr).toBe(0);
    await until(() => /failed/.test(sb.orch('list', '--json').stdout), 'the run to fail');
    const stop = sb.orch('daemon', 'stop');
    expect(stop.status, stop.stderr).toBe(0);
    await until(() => log.includes('serve stopped'), 'serve() to resolve stopped');
    // Nothing pending: the process ends by itself (the agent timer is one hour long).
    await until(() => !running(pid), `the stopped daemon process ${pid} to end; log:\n${log}`, 30_000);
    expect(await exited).toBe(0);
  });
});
