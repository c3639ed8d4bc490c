import { describe, expect, it } from 'vitest';
import { table, width } from './table.js';

describe('tables measured in terminal cells', () => {
  const rows = [
    ['', 'TASK', 'TITLE', 'WAITS FOR'],
    ['FAIL', 'core/E01', 'T1 日本語のタイトル ❌ wide', 'ready'],
    ['todo', 'core/E02', 'A plain ascii title', 'core/E01'],
  ];

  it('aligns wide characters (CJK, emoji) by their cells, with no trailing blanks', () => {
    const lines = table(rows, undefined).split('\n');
    const at = lines.map((l) => width(l.slice(0, l.lastIndexOf(l.includes('WAITS') ? 'WAITS' : l.includes('ready') ? 'ready' : 'core/E01'))));
    expect(new Set(at).size).toBe(1);
    for (const l of lines) expect(l).toBe(l.trimEnd());
  });

  it('on a terminal, cuts the chosen column (titles) so that every row fits; ids and the last column stay whole', () => {
    const lines = table(rows, 40, 2).split('\n');
    for (const l of lines) expect(width(l)).toBeLessThanOrEqual(40);
    expect(lines[1]).toContain('…');
    expect(lines[1]).toMatch(/core\/E01 .*… +ready$/);
    expect(lines[2]).toMatch(/core\/E01$/);
  });

  it('in a pipe (no width), rows are whole', () => {
    expect(table(rows, undefined, 2)).toContain('T1 日本語のタイトル ❌ wide');
  });
});
