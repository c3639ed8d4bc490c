import { describe, expect, it } from 'vitest';
import { dependents, readySet, transitiveDependents } from './ready.js';
import type { NodeStatus } from './types.js';

const node = (id: string, ...dependsOn: string[]) => ({ id, dependsOn });
const statuses = (map: Record<string, NodeStatus>) => (id: string) => map[id];

describe('readySet', () => {
  const tasks = [node('a'), node('b', 'a'), node('c', 'a', 'b'), node('d'), node('e', 'ghost')];

  it('offers not-started tasks whose dependencies are all complete', () => {
    const ready = readySet(tasks, statuses({ a: 'complete', b: 'not_started', d: 'in_progress' }));
    expect(ready.map((t) => t.id)).toEqual(['b']);
  });

  it('treats unknown tasks as not started and unknown dependencies as incomplete', () => {
    expect(readySet(tasks, () => undefined).map((t) => t.id)).toEqual(['a', 'd']);
  });

  it('waits for every dependency, not just one', () => {
    const ready = readySet(tasks, statuses({ a: 'complete', b: 'in_progress' }));
    expect(ready.map((t) => t.id)).toEqual(['d']);
  });

  it('offers failed tasks only with retryFailed', () => {
    const status = statuses({ a: 'failed', d: 'complete' });
    expect(readySet(tasks, status).map((t) => t.id)).toEqual([]);
    expect(readySet(tasks, status, { retryFailed: true }).map((t) => t.id)).toEqual(['a']);
  });
});

describe('dependents', () => {
  const tasks = [node('a'), node('b', 'a'), node('c', 'b'), node('d', 'a', 'c')];

  it('maps each id to its direct dependents', () => {
    const map = dependents(tasks);
    expect(map.get('a')).toEqual(['b', 'd']);
    expect(map.get('d')).toEqual([]);
  });

  it('walks dependents transitively without the start', () => {
    expect(transitiveDependents(tasks, 'b')).toEqual(['c', 'd']);
    expect(transitiveDependents(tasks, 'a')).toEqual(['b', 'c', 'd']);
    expect(transitiveDependents(tasks, 'nope')).toEqual([]);
  });
});
