import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/agents/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';

// Mounting a small tmpfs needs root (CI containers run as root); elsewhere this file is skipped.
const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;

let sb: Sandbox | undefined;
let mounted: string | undefined;
afterEach(() => {
  sb?.orch('daemon', 'stop');
  if (mounted) spawnSync('umount', ['-l', mounted]);
  sb?.cleanup();
  sb = undefined;
  mounted = undefined;
});

/** Fills the file system holding `dir` to the last byte; returns a function that frees it again. */
function fillDisk(dir: string): () => void {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'a');
  for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 16, 1]) {
    const chunk = Buffer.alloc(size);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    }
  }
  closeSync(fd);
  return () => rmSync(filler, { force: true });
}

const integrity = (db: string): string => {
  const h = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return String(h.pragma('integrity_check', { simple: true }));
  } finally {
    h.close();
  }
};

interface TaskJson {
  id: string;
  status: string;
}

// Issue 5, fault injection at the edges: the disk fills up while Orch writes its store.
describe.skipIf(!canMount)('disk full while writing the store', () => {
  it('a request fails with a clear message, SQLite stays intact, a run in flight waits and finishes once space is freed', { timeout: 120_000 }, async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing. [[fake:slow=2500]]', { 'src/a.txt': 'a' }) });
    const s = sb;
    const state = s.env.XDG_STATE_HOME ?? '';
    mkdirSync(state, { recursive: true });
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', state], { encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
    mounted = state;
    const key = s.orchJson<{ project: { key: string } }>('status').project.key;
    const db = join(state, 'orch', 'projects', key, 'orch.db');
    const daemon = s.orchJson<{ pid: number }>('daemon', 'status').pid;

    // 1. Full before the request: it is refused with what happened and what to do; nothing is half-written.
    let free = fillDisk(state);
    const r = await s.orchAsync('start', 'core/E01');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/could not save its state: the disk is full/);
    expect(r.stderr).toMatch(/Free space on that disk \(Orch's state is in .*\), then run the command again/);
    expect(integrity(db)).toBe('ok');
    expect(isAlive(daemon)).toBe(true);
    expect(s.orchJson<TaskJson[]>('list')[0]?.status).toBe('not_started');
    free();

    // 2. Full while a run is in flight: the run waits (not failed, nothing removed) and finishes once space is back.
    expect((await s.orchAsync('start', 'core/E01')).status).toBe(0);
    await until(() => existsSync(s.agentLog) && readFileSync(s.agentLog, 'utf8').includes('"pid"'), 'the agent to start');
    // The run's pid as the daemon sees it (the sandbox's): the agent's own pid is one of its pid namespace.
    const agent = await until(() => s.orchJson<{ runs: { pid: number | null }[] }>('show', 'core/E01').runs[0]?.pid, 'the run pid');
    free = fillDisk(state);
    await until(() => !isAlive(agent), 'the agent to finish its turn');
    await new Promise((done) => setTimeout(done, 3000));
    expect(isAlive(daemon)).toBe(true);
    expect(integrity(db)).toBe('ok');
    expect(s.orchJson<TaskJson[]>('list')[0]?.status).toBe('in_progress');
    free();
    await until(() => s.orchJson<TaskJson[]>('list')[0]?.status === 'complete', 'the run to finish once space is free');
    expect(s.git('log', '--format=%s', 'main').match(/implement E01 - A/g)).toHaveLength(1);
    expect(s.git('show', 'main:src/a.txt')).toBe('a\n');
    expect(integrity(db)).toBe('ok');
    expect(s.orchJson<{ pid: number }>('daemon', 'status').pid).toBe(daemon);

    // 3. SIGTERM while the disk is full: the daemon still ends cleanly, and starts again once there is space.
    free = fillDisk(state);
    process.kill(daemon, 'SIGTERM');
    await until(() => !isAlive(daemon), 'the daemon to end on SIGTERM', 10_000);
    free();
    expect(integrity(db)).toBe('ok');
    expect(s.orch('status').status).toBe(0);
  });
});
