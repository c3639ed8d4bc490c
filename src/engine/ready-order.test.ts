import { describe, expect, it } from 'vitest';
import type { TaskRow } from '../store/index.js';
import { createReadyOrder } from './ready-order.js';

const task = (id: string, dependsOn: string[] = [], status: TaskRow['status'] = 'not_started'): TaskRow => ({
  id,
  module: id.split('/')[0]!,
  epic: Number(id.split('/E')[1]),
  title: id,
  description: '',
  file: `docs/plans/${id}.md`,
  body: '',
  priority: 'medium',
  dependsOn,
  needsReview: false,
  touches: [],
  conflictsWith: [],
  deliverables: [],
  agent: null,
  model: null,
  workflow: null,
  planStatus: null,
  status,
  statusNote: null,
  removedAt: null,
  source: 'plan',
});

describe('createReadyOrder', () => {
  it('orders ready tasks once per array of rows and busy set, and again when either changes', () => {
    const order = createReadyOrder();
    const rows = [task('a/E01'), task('a/E02', ['a/E01']), task('a/E03', ['a/E02']), task('b/E01')];
    const first = order(rows, new Set());
    // a/E01 unblocks two tasks, b/E01 none.
    expect(first.ordered.map((t) => t.id)).toEqual(['a/E01', 'b/E01']);
    expect([...first.ready]).toEqual(['a/E01', 'b/E01']);
    expect(order(rows, new Set())).toBe(first);

    const busy = order(rows, new Set(['a/E01']));
    expect(busy).not.toBe(first);
    expect(busy.ordered.map((t) => t.id)).toEqual(['b/E01']);

    // The store hands out a new array after a write: a/E01 complete makes a/E02 ready.
    const after = [task('a/E01', [], 'complete'), ...rows.slice(1)];
    const next = order(after, new Set());
    expect(next.ordered.map((t) => t.id)).toEqual(['a/E02', 'b/E01']);
    expect(next.byId.get('a/E01')?.status).toBe('complete');
  });
});
