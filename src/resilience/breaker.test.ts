import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from './breaker.js';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('createCircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures and refuses starts until the cooldown ends', () => {
    const c = clock();
    const b = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 60_000, now: c.now });
    b.recordFailure('claude');
    b.recordFailure('claude');
    expect(b.state('claude')).toBe('closed');
    expect(b.canStart('claude')).toBe(true);
    b.recordFailure('claude');
    expect(b.state('claude')).toBe('open');
    expect(b.openUntil('claude')).toBe(1_060_000);
    expect(b.canStart('claude')).toBe(false);
    expect(b.canStart('codex')).toBe(true);
    expect(b.state('codex')).toBe('closed');
    c.advance(59_999);
    expect(b.canStart('claude')).toBe(false);
  });

  it('a success resets the count', () => {
    const b = createCircuitBreaker({ failureThreshold: 2 });
    b.recordFailure('x');
    b.recordSuccess('x');
    b.recordFailure('x');
    expect(b.state('x')).toBe('closed');
    expect(b.failures('x')).toBe(1);
  });

  it('half-open lets exactly one trial through; its success closes, its failure reopens', () => {
    const c = clock();
    const b = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, now: c.now });
    b.recordFailure('k');
    c.advance(1000);
    expect(b.state('k')).toBe('half-open');
    expect(b.openUntil('k')).toBeUndefined();
    expect(b.canStart('k')).toBe(true);
    expect(b.canStart('k')).toBe(false);
    b.recordFailure('k');
    expect(b.state('k')).toBe('open');
    expect(b.openUntil('k')).toBe(c.now() + 1000);
    c.advance(1000);
    expect(b.canStart('k')).toBe(true);
    b.recordSuccess('k');
    expect(b.state('k')).toBe('closed');
    expect(b.canStart('k')).toBe(true);
    expect(b.canStart('k')).toBe(true);
  });

  it('a trial that never reports back frees the slot after another cooldown', () => {
    const c = clock();
    const b = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, now: c.now });
    b.recordFailure('k');
    c.advance(1000);
    expect(b.canStart('k')).toBe(true);
    c.advance(999);
    expect(b.canStart('k')).toBe(false);
    c.advance(1);
    expect(b.canStart('k')).toBe(true);
  });

  it('a straggler failing while open does not push the reopening back', () => {
    const c = clock();
    const b = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, now: c.now });
    b.recordFailure('k');
    c.advance(500);
    b.recordFailure('k');
    expect(b.openUntil('k')).toBe(1_001_000);
  });
});
