import { describe, expect, it } from 'vitest';
import { clip } from './next-step.js';

describe('clip', () => {
  it('keeps a short first line, and cuts a long one at a word with "..."', () => {
    expect(clip('short\nsecond line')).toBe('short');
    const long = 'the model API did not answer after the agent CLI own 2 retries: connection failed: API Error: Unable to connect';
    const cut = clip(long, 100);
    expect(cut).toBe('the model API did not answer after the agent CLI own 2 retries: connection failed: API Error...');
    expect(cut.length).toBeLessThanOrEqual(103);
    expect(clip('x'.repeat(50), 20)).toBe(`${'x'.repeat(20)}...`);
  });
});
