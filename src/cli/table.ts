import stringWidth from 'string-width';
import { terminalColumns } from './io.js';

// Terminal cells, apart from ./format.ts: string-width (and its East Asian width and emoji tables) costs tens of ms
// to load, which `--json` answers and `orch daemon stop` do not pay (issue 12).

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
export const width = (s: string): number => stringWidth(s);

/** Cuts `s` to `max` columns (wide characters count 2), ending with … when cut. */
export function truncate(s: string, max: number): string {
  if (max <= 0) return '';
  if (width(s) <= max) return s;
  const plain = s.replace(ANSI, '');
  let outStr = '';
  let w = 0;
  for (const ch of plain) {
    const cw = stringWidth(ch);
    if (w + cw > max - 1) break;
    outStr += ch;
    w += cw;
  }
  return `${outStr}…`;
}

/**
 * Aligned columns measured in terminal cells; no trailing blanks. On a terminal, column `cut` (default: the last,
 * a task list passes its titles) is cut with … so that every row fits the width; in a pipe rows are whole.
 */
export function table(rows: string[][], columns = terminalColumns(), cut?: number): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  const n = widths.length;
  const col = cut ?? n - 1;
  const total = widths.reduce((a, b) => a + b, 0) + 2 * Math.max(0, n - 1);
  let shown = rows;
  if (columns !== undefined && total > columns && col < n) {
    const room = (widths[col] ?? 0) - (total - columns);
    // Too narrow to cut one column to something readable: rows stay whole (the terminal wraps them).
    if (room >= 8) {
      widths[col] = room;
      shown = rows.map((r) => r.map((c, i) => (i === col ? truncate(c, room) : c)));
    }
  }
  return shown
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c))))).join('  ').trimEnd())
    .join('\n');
}
