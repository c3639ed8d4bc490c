import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRootDir, until } from '../harness.js';

/**
 * A test process that opens two tmux terminals and is then ended some way: its terminals (and what runs in them)
 * must not outlive it. The process is a bundle of the real helper, run by node.
 */
describe('tmux terminals of a test process end with it', () => {
  let dir: string;
  let script: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-tmux-end-'));
    script = join(dir, 'terminals.mjs');
    buildSync({
      stdin: {
        contents: `
          import { tmuxTerminal } from './tui/tmux.ts';
          const open = () => tmuxTerminal({ name: 'end', columns: 40, rows: 10, cwd: process.cwd(), env: process.env, command: 'sleep 600' });
          const a = open();
          const b = open();
          const path = (t) => t.format('#{socket_path}');
          console.log(JSON.stringify([[a.socket, b.socket], [path(a), path(b)]]));
          if (process.argv[2] === 'exit') process.exit(0);
          setInterval(() => {}, 1000);
        `,
        resolveDir: join(repoRootDir, 'test'),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const alive = (socket: string) => spawnSync('tmux', ['-L', socket, 'has-session', '-t', 't']).status === 0;

  for (const how of ['SIGTERM', 'SIGINT', 'SIGHUP', 'exit'] as const) {
    it(`ended by ${how}: both tmux servers and their sockets are gone (each its own)`, async () => {
      const child = spawn(process.execPath, [script, how], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (c) => reject(new Error(`the test process exited with ${c} before opening its terminals`)));
      });
      const [sockets, paths] = JSON.parse(line) as [string[], string[]];
      expect(new Set(sockets).size).toBe(2);
      const ended = new Promise<number | string | null>((r) => child.once('exit', (code, sig) => r(sig ?? code)));
      if (how !== 'exit') {
        for (const s of sockets) expect(alive(s)).toBe(true);
        child.kill(how);
      }
      // It still dies of the signal (the hook re-raises it), or exits as it meant to.
      expect(await ended).toBe(how === 'exit' ? 0 : how);
      await until(() => sockets.every((s) => !alive(s)), 'the tmux servers to end', 10_000);
      // Their socket files too (tmux leaves them).
      for (const p of paths) expect(existsSync(p), p).toBe(false);
    });
  }
});
