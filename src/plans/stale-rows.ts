import { heading } from './markdown.js';
import { epicLink, lineSpans, readmeTable, rowFullId, type ReadmeRow } from './readme-table.js';
import { taskFinder } from './readme.js';
import { taskKey } from './ids.js';
import type { ModuleInfo } from './types.js';
import type { TableEpic } from './status-table.js';

/**
 * A status row left behind by a renamed epic file: it links a file that is gone, its id (`[web/E01](...)`) is still an
 * epic of the plan, and another row lists that epic by its file now (an older Orch added that second row instead of
 * following the rename). The row is a duplicate; `orch sync --fix` removes it unless it holds something the kept row
 * does not (`differs`), so removing it never loses what a person wrote.
 */
export interface StaleRow {
  id: string;
  line: number;
  /** The file the row links, which is gone. */
  from: string;
  /** The row that lists the epic now. */
  keptLine: number;
  /** What only this row holds (`Notes "waiting on design"`), when it holds anything. */
  differs?: string;
}

// Orch's own note in a Notes cell (`(orch: tests failed)`) is rewritten by every run: it is not a person's content.
const cellText = (readme: string, row: ReadmeRow, i: number): string => {
  const c = row.cells[i];
  return c ? readme.slice(c.start, c.end).replace(/\(orch:[^)]*\)/g, '').replace(/\s+/g, ' ').trim() : '';
};

export function staleDuplicateRows(readme: string, plansDirRel: string, modules: readonly Pick<ModuleInfo, 'name' | 'dir'>[], epics: readonly TableEpic[]): StaleRow[] {
  const rows = readmeTable(readme, plansDirRel, modules).rows;
  const files = new Set(epics.map((e) => e.file));
  const byKey = new Map(epics.map((e) => [taskKey(e.module, e.epic), e]));
  const out: StaleRow[] = [];
  for (const r of rows) {
    if (r.target.kind !== 'file' || files.has(r.target.path)) continue;
    const id = rowFullId(r, readme);
    const e = id && byKey.get(taskKey(id.module, id.epic));
    if (!e) continue;
    const find = taskFinder([e]);
    const kept = rows.find((k) => k !== r && find(k.target) !== undefined && (k.target.kind !== 'file' || files.has(k.target.path)));
    if (!kept) continue;
    const link = epicLink(r.text, plansDirRel);
    const linkCell = link ? r.cells.findIndex((c) => c.start - r.span.start <= link.start && link.end <= c.end - r.span.start) : -1;
    const own: string[] = [];
    r.header.forEach((name, i) => {
      if (i === r.statusCell || i === linkCell) return;
      const mine = cellText(readme, r, i);
      if (mine === '') return;
      const j = kept.header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
      if (j === -1 || cellText(readme, kept, j) !== mine) own.push(`${name || `column ${i + 1}`} "${mine}"`);
    });
    out.push({ id: e.id, line: r.line, from: r.target.path, keptLine: kept.line, ...(own.length > 0 ? { differs: own.join(', ') } : {}) });
  }
  return out;
}

/**
 * The README without the given rows; a table left with no rows goes too (its header and delimiter), and so does a
 * heading whose section then holds nothing but blank lines (the `## web` an older Orch added a second time).
 */
export function withoutStaleRows(readme: string, lines: readonly number[]): string {
  const spans = lineSpans(readme);
  const texts = spans.map((s) => readme.slice(s.start, s.end));
  const drop = new Set(lines.map((n) => n - 1));
  const isRow = (i: number): boolean => (texts[i] ?? '').trim().startsWith('|');
  for (const n of [...drop]) {
    let first = n;
    while (first > 0 && isRow(first - 1)) first--;
    let last = n;
    while (last + 1 < texts.length && isRow(last + 1)) last++;
    // header, delimiter, rows: nothing left but the header and delimiter
    const rows = Array.from({ length: last - first - 1 }, (_, k) => first + 2 + k);
    if (last - first < 2 || !rows.every((i) => drop.has(i))) continue;
    drop.add(first);
    drop.add(first + 1);
    let h = first - 1;
    while (h >= 0 && texts[h]!.trim() === '') h--;
    if (h < 0 || !heading(texts[h]!)) continue;
    let after = last + 1;
    while (after < texts.length && texts[after]!.trim() === '') after++;
    if (after < texts.length && !heading(texts[after]!)) continue;
    // The heading and the blank lines between it and the next section (or the end).
    for (let i = h; i < after; i++) drop.add(i);
  }
  // Each kept line with its own ending, so the rest of the file stays byte for byte.
  let text = spans.map((s, i) => (drop.has(i) ? '' : readme.slice(s.start, spans[i + 1]?.start ?? readme.length))).join('');
  if (drop.has(spans.length - 1) || drop.has(spans.length - 2)) text = text.replace(/(\r?\n)(\s*\r?\n)+$/, '$1');
  return text;
}
