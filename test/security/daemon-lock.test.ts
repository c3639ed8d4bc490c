import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRootDir } from '../harness.js';

/** The daemon lock is the OS's: exactly one of many concurrent starters wins, and no stale pid blocks a start. */
const dir = mkdtempSync(join(tmpdir(), 'orch-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lockFile = join(dir, 'state', 'daemon.lock');
const lockModule = join(repoRootDir, 'dist', 'src', 'daemon', 'lockfile.js');

/** A process that takes the lock, says whether it got it, then holds it until it is killed. */
const starter = (): { said: Promise<string>; kill: () => Promise<void> } => {
  const code = `const { acquireLock } = await import(${JSON.stringify(lockModule)});
    const l = acquireLock(${JSON.stringify(lockFile)});
    console.log(l.ok ? 'got' : 'busy ' + l.pid);
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const said = new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('close', () => resolve(out.trim()));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    said,
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
};
const once = async (): Promise<string> => {
  const s = starter();
  const r = await s.said;
  await s.kill();
  return r;
};

describe('the daemon lock', () => {
  it('lets exactly one of 15 concurrent starters in, and dies with its holder', async () => {
    const starters = Array.from({ length: 15 }, () => starter());
    const results = await Promise.all(starters.map((s) => s.said));
    expect(results.filter((r) => r === 'got')).toHaveLength(1);
    expect(results.filter((r) => r.startsWith('busy '))).toHaveLength(14);
    // SIGKILL leaves no cleanup: the kernel drops the lock with the process, and the next starter gets it.
    await Promise.all(starters.map((s) => s.kill()));
    expect(await once()).toBe('got');
  });

  it('is not blocked by a stale pid that another live process now uses', async () => {
    writeFileSync(`${lockFile}.pid`, String(process.pid));
    writeFileSync(lockFile, '1\n');
    expect(await once()).toBe('got');
  });
});
