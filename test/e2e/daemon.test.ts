import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/agents/index.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';

describe('the daemon', () => {
  let sb: Sandbox | undefined;
  afterEach(() => {
    sb?.cleanup();
    sb = undefined;
  });

  it('stops by itself when its project is deleted', async () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'a', { 'a.txt': 'a' }) });
    const st = sb.orchJson<{ daemon: { pid: number } }>('status');
    expect(isAlive(st.daemon.pid)).toBe(true);
    rmSync(sb.repo, { recursive: true, force: true });
    await until(() => !isAlive(st.daemon.pid), 'the daemon to stop', 20_000);
    const logFile = (readdirSync(sb.base, { recursive: true }) as string[]).find((f) => f.endsWith('daemon.log'));
    expect(logFile).toBeDefined();
    expect(readFileSync(join(sb.base, logFile ?? ''), 'utf8')).toMatch(/is gone; stopping/);
  });
});
