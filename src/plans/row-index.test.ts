import { describe, expect, it } from 'vitest';
import { rowIndex, rowNames, taskFinder } from './readme.js';
import { readmeTable } from './readme-table.js';
import type { RowTarget } from './readme-table.js';

// rowIndex and taskFinder answer what rowNames answers, once per side instead of once per pair (issue 12).
const targets: RowTarget[] = [
  { kind: 'file', path: 'docs/plans/billing-module/epic-01-a.md' },
  { kind: 'file', path: 'docs/plans/billing-module/epic-02-b.md' },
  { kind: 'id', module: 'billing', epic: 1 },
  { kind: 'id', module: 'Billing-Module', epic: 3 },
  { kind: 'id', module: 'tax', epic: 7 },
  { kind: 'file', path: 'docs/plans/tax-module/epic-09-z.md' },
];
const tasks = [
  { id: 'billing/E01', file: 'docs/plans/billing-module/epic-01-a.md' },
  { id: 'billing/E02', file: 'docs/plans/billing-module/epic-02-b.md' },
  { id: 'billing/E003', file: 'docs/plans/billing-module/epic-03-c.md' },
  { id: 'billing/E03', file: 'docs/plans/billing-module/epic-03-c2.md' },
  { id: 'tax/E07', file: 'docs/plans/tax-module/epic-07-x.md' },
  { id: 'tax/E08', file: 'docs/plans/tax-module/epic-09-z.md' },
  { id: 'not an id', file: 'docs/plans/other/epic-01.md' },
  { id: 'shipping/E01', file: 'docs/plans/shipping-module/epic-01-s.md' },
];

describe('rowIndex and taskFinder', () => {
  it('agree with rowNames over every pair, in every subset order', () => {
    for (let mask = 0; mask < 1 << targets.length; mask++) {
      const rows = targets.filter((_, i) => mask & (1 << i)).map((target) => ({ target }));
      const listed = rowIndex(rows);
      for (const t of tasks) expect(listed(t.id, t.file)).toBe(rows.some((r) => rowNames(r.target, t.id, t.file)));
    }
    for (const order of [tasks, [...tasks].reverse()]) {
      const find = taskFinder(order);
      for (const target of targets) expect(find(target)).toBe(order.find((t) => rowNames(target, t.id, t.file)));
    }
  });

  it('readmeTable answers a repeated question from its last answer, with arrays of its own', () => {
    const readme = '# Plan\n\n## Billing\n\n| Epic | Status |\n|---|---|\n| [E01](billing-module/epic-01-a.md) | 🔴 |\n';
    const modules = [{ name: 'billing', dir: 'docs/plans/billing-module' }];
    const a = readmeTable(readme, 'docs/plans', modules);
    a.rows.pop();
    const b = readmeTable(readme, 'docs/plans', modules);
    expect(b.rows).toHaveLength(1);
    expect(b.rows[0]!.target).toEqual({ kind: 'file', path: 'docs/plans/billing-module/epic-01-a.md' });
    expect(readmeTable(readme, 'docs/plans', [{ name: 'billing', dir: 'docs/plans/other' }]).rows).toHaveLength(1);
    expect(readmeTable(readme.replace('🔴', '🟢'), 'docs/plans', modules).rows[0]!.status).toBe('complete');
  });
});
