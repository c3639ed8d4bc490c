import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRootDir, sandbox, until, type Sandbox } from '../harness.js';

const fakeBd = join(repoRootDir, 'test/fixtures/beads/bd');
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

/** Alive and not a zombie (a dead child of a dead daemon may stay a zombie until reaped). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('a tracker call the daemon started does not outlive it', () => {
  it('orch daemon stop while a `bd ready` hangs: the bd process is ended with the daemon', async () => {
    const s = (sb = sandbox({ '.orch/config.toml': `[sources.beads]\ncommand = ${JSON.stringify(fakeBd)}\n` }));
    const state = join(s.base, 'beads.json');
    const hang = join(s.base, 'bd-hang');
    writeFileSync(state, JSON.stringify([{ id: 'bd-1', title: 'One', status: 'open', priority: 2, issue_type: 'task', description: 'One.' }]));
    Object.assign(s.env, { BD_FAKE_STATE: state, BD_FAKE_HANG: hang });
    expect(s.orch('sync').status).toBe(0);
    writeFileSync(hang, 'ready');
    const sync = s.orchAsync('sync');
    const pid = Number(await until(() => existsSync(`${hang}.pid`) && readFileSync(`${hang}.pid`, 'utf8'), 'bd ready to start'));
    expect(alive(pid)).toBe(true);
    const stop = await s.orchAsync('daemon', 'stop');
    expect(stop.status, stop.stderr).toBe(0);
    // Stopped means stopped: the tracker call is gone when `orch daemon stop` returns.
    expect(alive(pid)).toBe(false);
    const r = await sync;
    expect(r.status).not.toBe(0);
  }, 120_000);
});
