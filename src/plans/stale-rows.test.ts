import { describe, expect, it } from 'vitest';
import { staleDuplicateRows, withoutStaleRows } from './stale-rows.js';
import type { TableEpic } from './status-table.js';

const modules = [{ name: 'web', dir: 'docs/plans/web' }];
const epics: TableEpic[] = [{ id: 'web/E01', module: 'web', epic: 1, title: 'Page', file: 'docs/plans/web/epic-01-new.md', status: 'not_started' }];
const table = (rows: string): string => `| Epic | Title | Status | Notes |\n|---|---|---|---|\n${rows}`;

describe('stale duplicate status rows (a renamed epic listed twice by an older Orch)', () => {
  it('finds the row whose link is gone while another lists the epic by its file; Orch notes are not content', () => {
    const readme = `# Plan\n\n## web\n\n${table('| [web/E01](web/epic-01-old.md) | Page | 🟡 | (orch: tests failed) |\n')}\n## web\n\n${table('| [web/E01](web/epic-01-new.md) | Page | 🔴 | |\n')}`;
    expect(staleDuplicateRows(readme, 'docs/plans', modules, epics)).toEqual([{ id: 'web/E01', line: 7, from: 'docs/plans/web/epic-01-old.md', keptLine: 13 }]);
    // Its table and heading went with it; the rest stays byte for byte.
    expect(withoutStaleRows(readme, [7])).toBe(`# Plan\n\n## web\n\n${table('| [web/E01](web/epic-01-new.md) | Page | 🔴 | |\n')}`);
  });

  it('says what only the stale row holds; a row alone (no other lists the epic) is not stale', () => {
    const both = `${table('| [web/E01](web/epic-01-old.md) | Old page | 🔴 | ask Ann |\n| [web/E01](web/epic-01-new.md) | Page | 🔴 | |\n')}`;
    expect(staleDuplicateRows(both, 'docs/plans', modules, epics)[0]?.differs).toBe('Title "Old page", Notes "ask Ann"');
    expect(staleDuplicateRows(table('| [web/E01](web/epic-01-old.md) | Page | 🔴 | |\n'), 'docs/plans', modules, epics)).toEqual([]);
  });

  it('keeps a table that still has rows, a heading with other text, and CRLF endings', () => {
    const readme = '## web\r\n\r\nSome words.\r\n\r\n| Epic | Status |\r\n|---|---|\r\n| [web/E01](web/epic-01-old.md) | 🔴 |\r\n| [web/E01](web/epic-01-new.md) | 🔴 |\r\n\r\nEnd.\r\n';
    expect(withoutStaleRows(readme, [7])).toBe('## web\r\n\r\nSome words.\r\n\r\n| Epic | Status |\r\n|---|---|\r\n| [web/E01](web/epic-01-new.md) | 🔴 |\r\n\r\nEnd.\r\n');
  });
});
