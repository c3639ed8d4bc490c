import { describe, expect, it } from 'vitest';
import { globsOverlap } from './overlap.js';

describe('touches overlap (G4)', () => {
  it('sees overlapping files and folders', () => {
    expect(globsOverlap(['src/billing/**'], ['src/billing/invoice.ts'])).toBe(true);
    expect(globsOverlap(['src/billing/invoice.ts'], ['src/billing/invoice.ts'])).toBe(true);
    expect(globsOverlap(['src/**/*.ts'], ['src/a/b.ts'])).toBe(true);
    expect(globsOverlap(['src/billing/**'], ['src/**'])).toBe(true);
  });
  it('keeps disjoint ones apart', () => {
    expect(globsOverlap(['src/billing/**'], ['src/pricing/**'])).toBe(false);
    expect(globsOverlap(['docs/a.md'], ['docs/b.md'])).toBe(false);
    expect(globsOverlap([], ['src/**'])).toBe(false);
  });
});
