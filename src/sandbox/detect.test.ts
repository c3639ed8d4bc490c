import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectBwrap, detectBwrapAsync, findBwrap } from './detect.js';

describe('the bubblewrap check', () => {
  it('has an async form that says what the blocking one says and leaves the thread free meanwhile (the daemon starts it first)', async () => {
    // A PATH of its own: each PATH is checked once per process, so this one has not been checked yet.
    const path = `${process.env.PATH ?? ''}:/nonexistent-orch-detect-test`;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const found = await detectBwrapAsync(path);
    clearInterval(ticker);
    // The same directories under another PATH string: checked again, by the blocking probe.
    expect(found).toEqual(detectBwrap(`${path}:`));
    if (findBwrap(path)) expect(ticks).toBeGreaterThan(0);
    expect(await detectBwrapAsync(path)).toBe(found);
  });

  it('reports a PATH without bwrap with what to install', async () => {
    const found = await detectBwrapAsync('/nonexistent-orch-detect-test');
    expect(found).toMatchObject({ ok: false, reason: 'bwrap is not on PATH' });
  });

  it('keeps a trial that worked for the next start, tries again when bwrap changed, never keeps a failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-bwrap-'));
    try {
      const log = join(dir, 'calls.log');
      const saved = join(dir, 'state', 'sandbox-check.json');
      const fake = (exit: number): void => {
        writeFileSync(join(dir, 'bwrap'), `#!/bin/sh\necho "$1" >> ${log}\n[ "$1" = --version ] && echo "bubblewrap 9.9.${exit}"\nexit ${exit}\n`);
        chmodSync(join(dir, 'bwrap'), 0o755);
      };
      const calls = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
      // Each PATH string is its own in-process check: a new string stands for a new daemon process.
      let n = 0;
      const check = () => detectBwrapAsync(`${dir}${':'.repeat(++n)}`, saved);
      fake(0);
      expect(await check()).toEqual({ ok: true, bwrap: join(dir, 'bwrap'), version: '9.9.0', net: true });
      expect(calls()).toBe(2);
      expect(await check()).toEqual({ ok: true, bwrap: join(dir, 'bwrap'), version: '9.9.0', net: true });
      expect(calls()).toBe(2);
      // Another binary (a new mtime): tried again; it fails, and the failure is not kept.
      fake(1);
      utimesSync(join(dir, 'bwrap'), new Date(), new Date(Date.now() + 5000));
      // (--version, the trial with a network namespace, the one without)
      expect(await check()).toMatchObject({ ok: false });
      expect(calls()).toBe(5);
      expect(await check()).toMatchObject({ ok: false });
      expect(calls()).toBe(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
