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
});
