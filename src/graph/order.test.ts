import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Priority } from '../plans/types.js';
import { descendantCounts, dispatchOrder } from './order.js';
import { readySet, transitiveDependents } from './ready.js';
import { generateChains } from './testing.js';
import type { NodeStatus, SchedulableNode } from './types.js';

function task(id: string, dependsOn: string[] = [], priority: Priority = 'medium'): SchedulableNode {
  const [module = '', epic = ''] = id.split('/E');
  return { id, module, epic: Number(epic), dependsOn, priority };
}
const statuses = (map: Record<string, NodeStatus>) => (id: string) => map[id];
const ids = (tasks: readonly SchedulableNode[]) => tasks.map((t) => t.id);

describe('descendantCounts', () => {
  it('counts a diamond bottom once and skips complete descendants', () => {
    const tasks = [task('m/E1'), task('m/E2', ['m/E1']), task('m/E3', ['m/E1']), task('m/E4', ['m/E2', 'm/E3'])];
    const counts = descendantCounts(tasks, () => 'not_started');
    expect(Object.fromEntries(counts)).toEqual({ 'm/E1': 3, 'm/E2': 1, 'm/E3': 1, 'm/E4': 0 });
    const some = descendantCounts(tasks, statuses({ 'm/E3': 'complete' }));
    expect(some.get('m/E1')).toBe(2);
  });

  it('reaches through complete tasks to unfinished ones behind them', () => {
    const tasks = [task('a/E1'), task('a/E2', ['a/E1']), task('a/E3', ['a/E2'])];
    expect(descendantCounts(tasks, statuses({ 'a/E2': 'complete' })).get('a/E1')).toBe(1);
  });

  it('agrees with a plain walk on random graphs, cycles included', () => {
    const graph = fc.integer({ min: 1, max: 70 }).chain((n) =>
      fc.record({
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }),
        complete: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(graph, ({ edges, complete }) => {
        const tasks = complete.map((_, i) => task(`m/E${i}`, edges.filter(([from]) => from === i).map(([, to]) => `m/E${to}`)));
        const status = (id: string): NodeStatus => (complete[Number(id.slice(3))] ? 'complete' : 'not_started');
        const counts = descendantCounts(tasks, status);
        for (const t of tasks) {
          const expected = transitiveDependents(tasks, t.id).filter((id) => status(id) !== 'complete').length;
          expect(counts.get(t.id)).toBe(expected);
        }
      }),
    );
  });

  it('survives cycles', () => {
    const tasks = [task('a/E1', ['a/E2']), task('a/E2', ['a/E1']), task('a/E3', ['a/E2'])];
    const counts = descendantCounts(tasks, () => 'not_started');
    expect(counts.get('a/E1')).toBe(2);
    expect(counts.get('a/E3')).toBe(0);
  });
});

describe('dispatchOrder', () => {
  it('puts high priority first, then medium, then low', () => {
    const ready = [task('a/E1', [], 'low'), task('b/E1', [], 'high'), task('c/E1', [], 'medium')];
    expect(ids(dispatchOrder(ready, ready, () => undefined))).toEqual(['b/E1', 'c/E1', 'a/E1']);
  });

  it('prefers the task that unblocks more work when priorities tie', () => {
    const all = [task('z/E1'), task('z/E2', ['z/E1']), task('z/E3', ['z/E2']), task('a/E1'), task('a/E2', ['a/E1'])];
    const ready = readySet(all, () => undefined);
    expect(ids(dispatchOrder(ready, all, () => undefined))).toEqual(['z/E1', 'a/E1']);
  });

  it('priority beats unblocking', () => {
    const all = [task('z/E1'), task('z/E2', ['z/E1']), task('a/E1', [], 'high')];
    expect(ids(dispatchOrder([all[0]!, all[2]!], all, () => undefined))).toEqual(['a/E1', 'z/E1']);
  });

  it('then finishes a module already started', () => {
    const all = [task('a/E1'), task('a/E2'), task('b/E1'), task('b/E2')];
    const status = statuses({ 'b/E1': 'in_progress' });
    expect(ids(dispatchOrder([all[0]!, all[3]!], all, status))).toEqual(['b/E2', 'a/E1']);
    const done = statuses({ 'b/E1': 'complete' });
    expect(ids(dispatchOrder([all[0]!, all[3]!], all, done))).toEqual(['b/E2', 'a/E1']);
    const failed = statuses({ 'b/E1': 'failed' });
    expect(ids(dispatchOrder([all[0]!, all[3]!], all, failed))).toEqual(['a/E1', 'b/E2']);
  });

  it('breaks remaining ties by module name then epic number, whatever the input order', () => {
    const all = [task('b/E10'), task('b/E9'), task('a/E2'), task('a/E1')];
    const expected = ['a/E1', 'a/E2', 'b/E9', 'b/E10'];
    expect(ids(dispatchOrder(all, all, () => undefined))).toEqual(expected);
    expect(ids(dispatchOrder([...all].reverse(), all, () => undefined))).toEqual(expected);
  });

  it('orders 5,000 tasks (perf sanity, not timed)', () => {
    const all = generateChains(50, 100);
    const status = (id: string): NodeStatus => (Number(id.split('/E')[1]) <= 10 ? 'complete' : 'not_started');
    const ready = readySet(all, status);
    const ordered = dispatchOrder(ready, all, status);
    expect(ordered).toHaveLength(ready.length);
    expect(ready.length).toBeGreaterThan(0);
    const ranks = { high: 0, medium: 1, low: 2 };
    for (let i = 1; i < ordered.length; i++) {
      expect(ranks[ordered[i - 1]!.priority]).toBeLessThanOrEqual(ranks[ordered[i]!.priority]);
    }
  });
});
