import { describe, expect, it } from 'vitest';
import { titleWithoutEpicPrefix } from './ids.js';

describe('titleWithoutEpicPrefix', () => {
  it('drops an Epic NN: / ENN - prefix that repeats the epic number, and nothing else', () => {
    expect(titleWithoutEpicPrefix('Epic 03: Persistence', 3)).toBe('Persistence');
    expect(titleWithoutEpicPrefix('E03 - Persistence', 3)).toBe('Persistence');
    expect(titleWithoutEpicPrefix('Epic 3 — Persistence', 3)).toBe('Persistence');
    expect(titleWithoutEpicPrefix('Epic 04: Persistence', 3)).toBe('Epic 04: Persistence');
    expect(titleWithoutEpicPrefix('Eventing', 3)).toBe('Eventing');
    expect(titleWithoutEpicPrefix('Epic 03', 3)).toBe('Epic 03');
  });
});
