import { describe, expect, it } from 'vitest';
import { readmeRows, readmeTable } from './readme-table.js';
import { withoutRows, withStatusTable, type TableEpic } from './status-table.js';

const modules = [{ name: 'core', dir: 'docs/plans/core-module' }, { name: 'web', dir: 'docs/plans/web-module' }];
const e = (module: string, n: number, status: TableEpic['status'] = 'not_started'): TableEpic => ({
  id: `${module}/E0${n}`, module, epic: n, title: `T${n} | x`, file: `docs/plans/${module}-module/epic-0${n}-t.md`, status,
});

describe('the plan status table', () => {
  it('is created with every module and epic, and reads back', () => {
    const out = withStatusTable(undefined, 'docs/plans', modules, [e('web', 1), e('core', 2, 'complete'), e('core', 1)]);
    expect(out.created).toBe(true);
    expect(out.added).toEqual(['core/E01', 'core/E02', 'web/E01']);
    expect(out.text).toContain('## core\n\n| Epic | Title | Status | Notes |\n|---|---|---|---|\n| [core/E01](core-module/epic-01-t.md) | T1 \\| x | 🔴 | |\n| [core/E02](core-module/epic-02-t.md) | T2 \\| x | 🟢 | |\n');
    expect(readmeRows(out.text, 'docs/plans', modules).map((r) => [r.target, r.status])).toHaveLength(3);
    expect(withStatusTable(out.text, 'docs/plans', modules, [e('core', 1), e('core', 2), e('web', 1)])).toMatchObject({ text: out.text, added: [] });
  });

  it('extends a hand-written table in its own columns, and adds a section for a module without rows', () => {
    const readme = '# Roadmap\r\n\r\n## Core\r\n\r\n| # | Name | Status | Owner |\r\n|---|---|---|---|\r\n| 01 | Base | 🟢 | ann |\r\n\r\nMore prose.\r\n';
    const out = withStatusTable(readme, 'docs/plans', modules, [e('core', 1), e('core', 2), e('web', 1)]);
    expect(out.added).toEqual(['core/E02', 'web/E01']);
    expect(out.text).toContain('| 01 | Base | 🟢 | ann |\r\n| [core/E02](core-module/epic-02-t.md) | T2 \\| x | 🔴 | |\r\n\r\nMore prose.');
    expect(out.text.endsWith('## web\r\n\r\n| Epic | Title | Status | Notes |\r\n|---|---|---|---|\r\n| [web/E01](web-module/epic-01-t.md) | T1 \\| x | 🔴 | |\r\n')).toBe(true);
    expect(readmeRows(out.text, 'docs/plans', modules)).toHaveLength(3);
  });

  it('says which rows it cannot read: no epic named, no mark in the Status column', () => {
    const readme = '| Epic | Status |\n|---|---|\n| [A](core-module/epic-01-a.md) | done |\n| something | 🟡 |\n| [B](core-module/epic-02-b.md) | 🔴 |\n';
    const t = readmeTable(readme, 'docs/plans', modules);
    expect(t.rows).toHaveLength(1);
    expect(t.unreadable.map((u) => [u.line, u.why.slice(0, 20)])).toEqual([[3, 'has no status mark i'], [4, 'names no epic: link ']]);
  });
});

describe('withoutRows', () => {
  it('removes each row with its line ending, keeps CRLF, and the last line takes the ending before it', () => {
    expect(withoutRows('a\nb\nc\n', [2])).toBe('a\nc\n');
    expect(withoutRows('a\r\nb\r\nc', [3])).toBe('a\r\nb');
    expect(withoutRows('a\nb\nc\nd\n', [3, 2])).toBe('a\nd\n');
    expect(withoutRows('only', [1])).toBe('');
  });
});
