import { describe, expect, it } from 'vitest';
import { setReadmeStatus } from './readme.js';
import { readmeRows } from './readme-table.js';
import type { PlanStatus } from './types.js';

const modules = [
  { name: 'billing', dir: 'docs/plans/billing-module' },
  { name: 'technical', dir: 'docs/plans/technical' },
];
const FILE = 'docs/plans/billing-module/epic-02-dunning.md';

const README = [
  '# Plan',
  '',
  '| Emoji | Meaning |',
  '|---|---|',
  '| 🟢 | Complete |',
  '',
  '## Billing Module',
  '',
  '| Epic | Title | Status | Notes |',
  '|:----:|-------|:------:|-------|',
  '| E01  | Invoices | 🟢 | shipped early |',
  '| E02  | Dunning  | 🔴 |  |',
  '',
  '## Technical',
  '',
  '| Task | Status |',
  '|------|--------|',
  '| [Scaffold](technical/epic-01-scaffold.md) | 🔴 Not started |',
  '| technical/E2 | 🟡 |',
  '',
].join('\n');

function set(readme: string, taskId: string, taskFile: string, status: PlanStatus, note?: string) {
  return setReadmeStatus(readme, 'docs/plans', modules, taskId, taskFile, status, note);
}

/** Character positions where two equal-length strings differ. */
function diffPositions(a: string, b: string): number[] {
  expect(b.length).toBe(a.length);
  return [...a].flatMap((ch, i) => (ch === [...b][i] ? [] : [i]));
}

describe('setReadmeStatus', () => {
  it('changes only the emoji of the row, found by epic cell under a module heading', () => {
    const result = set(README, 'billing/E02', FILE, 'in_progress');
    expect(result).toMatchObject({ changed: true, found: true });
    expect(result.text).toBe(README.replace('| E02  | Dunning  | 🔴 |', '| E02  | Dunning  | 🟡 |'));
    expect(diffPositions(README, result.text)).toHaveLength(1);
  });

  it('finds rows by link and by full id, and keeps text beside the emoji', () => {
    const linked = set(README, 'technical/E01', 'docs/plans/technical/epic-01-scaffold.md', 'complete');
    expect(linked.text).toContain('| [Scaffold](technical/epic-01-scaffold.md) | 🟢 Not started |');
    const byId = set(README, 'technical/E02', 'docs/plans/technical/epic-02-ci.md', 'complete');
    expect(byId.text).toContain('| technical/E2 | 🟢 |');
  });

  it('round-trips: reading back gives the status written, and writing back restores the bytes', () => {
    for (const status of ['not_started', 'in_progress', 'complete'] as const) {
      const written = set(README, 'billing/E02', FILE, status).text;
      const row = readmeRows(written, 'docs/plans', modules).find((r) => r.target.kind === 'id' && r.target.epic === 2 && r.target.module === 'billing');
      expect(row?.status).toBe(status);
      expect(set(written, 'billing/E02', FILE, 'not_started').text).toBe(README);
    }
  });

  it('reports unchanged when the status is already set', () => {
    expect(set(README, 'billing/E01', 'x', 'complete')).toEqual({ text: README, changed: false, found: true });
  });

  it('preserves CRLF line endings', () => {
    const crlf = README.replace(/\n/g, '\r\n');
    const result = set(crlf, 'billing/E02', FILE, 'complete');
    expect(result.text).toBe(crlf.replace('| Dunning  | 🔴 |', '| Dunning  | 🟢 |'));
    expect(result.text.split('\r\n')).toHaveLength(crlf.split('\r\n').length);
    expect(result.text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('returns found: false for a task with no row', () => {
    expect(set(README, 'billing/E09', 'docs/plans/billing-module/epic-09-x.md', 'complete')).toEqual({ text: README, changed: false, found: false });
  });

  it('writes a note into the Notes column and removes it on the next change', () => {
    const failed = set(README, 'billing/E02', FILE, 'not_started', 'tests failed | 3 tries');
    expect(failed.text).toContain('| E02  | Dunning  | 🔴 | (orch: tests failed \\| 3 tries) |');
    expect(readmeRows(failed.text, 'docs/plans', modules)).toHaveLength(readmeRows(README, 'docs/plans', modules).length);
    const again = set(failed.text, 'billing/E02', FILE, 'in_progress');
    expect(again.text).toBe(README.replace('| Dunning  | 🔴 |', '| Dunning  | 🟡 |'));
  });

  it('keeps human notes and puts the orch note after them', () => {
    const failed = set(README, 'billing/E01', 'x', 'not_started', 'merge conflict');
    expect(failed.text).toContain('| E01  | Invoices | 🔴 | shipped early (orch: merge conflict) |');
    expect(set(failed.text, 'billing/E01', 'x', 'complete').text).toBe(README);
  });

  it('puts the note in the status cell when the table has no Notes column', () => {
    const failed = set(README, 'technical/E02', 'x', 'not_started', 'agent stuck');
    expect(failed.text).toContain('| technical/E2 | 🔴 (orch: agent stuck) |');
    const replaced = set(failed.text, 'technical/E02', 'x', 'not_started', 'again');
    expect(replaced.text).toContain('| technical/E2 | 🔴 (orch: again) |');
    expect(set(replaced.text, 'technical/E02', 'x', 'in_progress').text).toBe(README.replace('| technical/E2 | 🟡 |', '| technical/E2 | 🟡 |'));
  });

  it('updates every row that names the task', () => {
    const twice = `${README}\n## Summary\n\n| Task | Status |\n|---|---|\n| billing/E02 | 🔴 |\n`;
    const result = set(twice, 'billing/E02', FILE, 'complete');
    expect(result.text.match(/🟢/gu)).toHaveLength(4);
    expect(result.text).toContain('| billing/E02 | 🟢 |');
    expect(result.text).toContain('| E02  | Dunning  | 🟢 |');
  });

  it('leaves rows inside code fences alone', () => {
    const fenced = '```\n| billing/E02 | 🔴 |\n```\n';
    expect(set(fenced, 'billing/E02', FILE, 'complete').found).toBe(false);
  });
});

describe('readmeRows', () => {
  it('resolves links relative to the plans folder and accepts root-relative ones', () => {
    const text = '| T | S |\n|---|---|\n| [a](./billing-module/epic-01-a.md#top) | 🔴 |\n| [b](/docs/plans/technical/epic-02-b.md) | 🟢 |\n| [pr](https://x/pull/1) billing/E03 | 🟡 |\n';
    expect(readmeRows(text, 'docs/plans', modules).map((r) => [r.line, r.target, r.status])).toEqual([
      [3, { kind: 'file', path: 'docs/plans/billing-module/epic-01-a.md' }, 'not_started'],
      [4, { kind: 'file', path: 'docs/plans/technical/epic-02-b.md' }, 'complete'],
      [5, { kind: 'id', module: 'billing', epic: 3 }, 'in_progress'],
    ]);
  });

  it('matches module headings loosely but ignores headings that name no module', () => {
    const text = '### 1. billing-module (E01–E02)\n\n| # | S |\n|---|---|\n| 1 | 🟢 |\n\n## Billingual\n\n| # | S |\n|---|---|\n| 2 | 🟢 |\n';
    expect(readmeRows(text, 'docs/plans', modules).map((r) => r.target)).toEqual([{ kind: 'id', module: 'billing', epic: 1 }]);
  });
});
