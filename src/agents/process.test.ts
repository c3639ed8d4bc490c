import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isAlive, isOurProcess, killGroup } from './group.js';
import { createLineSplitter } from './lines.js';
import { spawnSupervised, type SpawnOptions } from './process.js';

const env = { PATH: process.env.PATH ?? '' };
const node = (script: string, more: Partial<SpawnOptions> = {}) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const handle = spawnSupervised({
    command: process.execPath, args: ['-e', script], cwd: tmpdir(), env,
    onStdoutLine: (l) => stdout.push(l), onStderrLine: (l) => stderr.push(l), ...more,
  });
  return { handle, stdout, stderr };
};

const waitFor = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

// A leader that ignores SIGTERM and starts a grandchild that ignores it too, then prints the grandchild's pid.
const STUBBORN_TREE = `
process.on('SIGTERM', () => {});
const { spawn } = require('node:child_process');
const g = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
console.log('grandchild ' + g.pid);
setInterval(() => {}, 1000);
`;

describe('createLineSplitter', () => {
  it('joins partial lines across chunks, strips CR, flushes a last line without newline', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l));
    for (const chunk of ['{"a":', '1}\n{"b"', ':2}\r\n\n', 'tail']) s.push(chunk);
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '']);
    s.flush();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '', 'tail']);
  });

  it('delivers an over-long line in pieces', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l), 10);
    s.push('x'.repeat(25));
    s.push('y\n');
    expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10), 'xxxxxy']);
  });
});

describe('spawnSupervised', () => {
  it('reads stdout and stderr concurrently, beyond pipe buffers, and reports the exit code', async () => {
    const { handle, stdout, stderr } = node(
      "const big = 'z'.repeat(300000); process.stderr.write(big + '\\n'); process.stdout.write('a'); setTimeout(() => { process.stdout.write('b\\nlast'); process.exit(3); }, 50);",
    );
    const r = await handle.result;
    expect(r).toMatchObject({ exitCode: 3, signal: null, canceled: false, timedOut: false });
    expect(stdout).toEqual(['ab', 'last']);
    expect(stderr).toEqual(['z'.repeat(300000)]);
    expect(handle.pgid).toBe(handle.pid);
    expect(r.command).toContain('-e');
  });

  it('cancel ends a tree that ignores SIGTERM within 5 s and leaves no process', async () => {
    const ac = new AbortController();
    const { handle, stdout } = node(STUBBORN_TREE, { signal: ac.signal });
    await waitFor(() => stdout.some((l) => l.startsWith('grandchild ')));
    const grandchild = Number(stdout[0]?.split(' ')[1]);
    expect(isAlive(grandchild)).toBe(true);
    const t0 = Date.now();
    ac.abort();
    const r = await handle.result;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.canceled).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(isAlive(handle.pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('times out', async () => {
    const { handle } = node('setInterval(() => {}, 1000)', { timeoutMs: 200, graceMs: 500 });
    const r = await handle.result;
    expect(r).toMatchObject({ timedOut: true, canceled: false, signal: 'SIGTERM' });
  });

  it('kills background children left behind when the leader exits', async () => {
    const { handle, stdout } = node(
      "const g = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); g.unref(); console.log(g.pid);",
      { graceMs: 500 },
    );
    const r = await handle.result;
    expect(r.exitCode).toBe(0);
    expect(isAlive(Number(stdout[0]))).toBe(false);
  });

  it('reports a command that cannot start', async () => {
    const h = spawnSupervised({ command: 'orch-no-such-binary', args: [], cwd: tmpdir(), env });
    const r = await h.result;
    expect(h.pid).toBe(0);
    expect(r.error).toContain('ENOENT');
    expect(r.exitCode).toBeNull();
  });

  it('does not start when already aborted', async () => {
    const r = await spawnSupervised({ command: process.execPath, args: [], cwd: tmpdir(), env, signal: AbortSignal.abort() }).result;
    expect(r.canceled).toBe(true);
  });
});

describe('killGroup and isOurProcess', () => {
  it('recognises our process by its environment marker and kills its group', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      detached: true, stdio: 'ignore', env: { ...env, ORCH_RUN: 'run-1' },
    });
    const pid = child.pid ?? 0;
    expect(await isOurProcess(pid, { envKey: 'ORCH_RUN', envValue: 'run-1' })).toBe(true);
    expect(await isOurProcess(pid, { envKey: 'ORCH_RUN', envValue: 'run-2' })).toBe(false);
    expect(await isOurProcess(2 ** 22 + 7, { envKey: 'ORCH_RUN', envValue: 'run-1' })).toBe(false);
    const exited = new Promise((r) => child.once('exit', r));
    expect(await killGroup(pid, 1000)).toEqual({ wasAlive: true, forced: false, gone: true });
    await exited;
    expect(isAlive(pid)).toBe(false);
    expect(await killGroup(pid, 1000)).toMatchObject({ wasAlive: false });
  });

  it('refuses group ids that would signal everything', async () => {
    await expect(killGroup(0)).rejects.toThrow(/Refusing/);
    await expect(killGroup(1)).rejects.toThrow(/Refusing/);
  });
});
