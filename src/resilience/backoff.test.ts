import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to maxMs; full jitter scales it by random()', () => {
    const top = (attempt: number) => backoffDelay(attempt, { random: () => 0.999999, baseMs: 1000, maxMs: 10_000 });
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(4000);
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
  });

  it('equal jitter keeps at least half the ceiling; none is the ceiling', () => {
    expect(backoffDelay(2, { jitter: 'equal', random: () => 0 })).toBe(2000);
    expect(backoffDelay(2, { jitter: 'none', random: () => 0 })).toBe(4000);
  });

  it('never waits less than retryAfterMs, even past maxMs', () => {
    expect(backoffDelay(1, { random: () => 0, retryAfterMs: 30_000 })).toBe(30_000);
    expect(backoffDelay(10, { random: () => 0.99, retryAfterMs: 300_000 })).toBe(300_000);
    expect(backoffDelay(10, { random: () => 0.99, retryAfterMs: 1 })).toBe(118_800);
  });

  it('stays within [floor, max(floor, maxMs)] for any attempt, options and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        fc.constantFrom('full', 'equal', 'none'),
        (attempt, baseMs, maxMs, r, retryAfterMs, jitter) => {
          const d = backoffDelay(attempt, { baseMs, maxMs, random: () => r, jitter, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(retryAfterMs ?? 0);
          expect(d).toBeLessThanOrEqual(Math.max(retryAfterMs ?? 0, maxMs));
        },
      ),
    );
  });
});
