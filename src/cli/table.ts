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
 * Aligned columns measured in terminal cells; no trailing blanks. On a terminal, the last column is cut so each
 * row fits its width; in a pipe rows are whole.
 */
export function table(rows: string[][], columns = terminalColumns()): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return rows
    .map((r) => {
      const cells = r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c))));
      let line = cells.join('  ');
      if (columns !== undefined && width(line) > columns) {
        const head = cells.slice(0, -1).join('  ');
        const room = columns - width(head) - (cells.length > 1 ? 2 : 0);
        line = room > 8 ? `${head}${cells.length > 1 ? '  ' : ''}${truncate(r[r.length - 1] ?? '', room)}` : line;
      }
      return line.trimEnd();
    })
    .join('\n');
}
