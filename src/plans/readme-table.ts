import { posix } from 'node:path';
import { moduleKey } from './ids.js';
import { codeLines, heading } from './markdown.js';
import type { ModuleInfo, PlanStatus } from './types.js';

export const STATUS_EMOJI: Record<PlanStatus, string> = { not_started: '🔴', in_progress: '🟡', complete: '🟢' };
const EMOJI_STATUS = new Map<string, PlanStatus>(Object.entries(STATUS_EMOJI).map(([s, e]) => [e, s as PlanStatus]));
const EMOJI = /🔴|🟡|🟢/u;

export interface Span {
  start: number;
  end: number;
}

/** How a README row names its task: a link to the epic file (repo-relative path) or a module and epic number. */
export type RowTarget = { kind: 'file'; path: string } | { kind: 'id'; module: string; epic: number };

/** One status row of a README table. Offsets index the whole README text. */
export interface ReadmeRow {
  /** 1-based line number. */
  line: number;
  status: PlanStatus;
  target: RowTarget;
  /** The row as written, for messages. */
  text: string;
  /** The line without its line ending. */
  span: Span;
  /** Cell contents between the pipes. */
  cells: Span[];
  statusCell: number;
  /** A cell under a `Notes`/`Note` header, if the table has one. */
  notesCell?: number;
  /** The table's header cells, as plain text. */
  header: string[];
}

/** A row of a status table Orch cannot read: it names no epic, or has no mark in the table's Status column. */
export interface UnreadableRow {
  line: number;
  text: string;
  why: string;
}

const EPIC_HEADER = /^(?:epic|#|id|no\.?|nr\.?|number|task)$/i;
const NOTES_HEADER = /^notes?$/i;
// Bracket and paren classes exclude their own openers, so a run of `[` or `(` cannot make a scan quadratic.
const LINK = /\[[^[\]\n]*\]\(([^()\s]+)(?:\s+"[^"\n]*")?\)/g;
const FULL_ID = /(?<![\w/.-])([A-Za-z][\w.-]*)\/E(\d{1,9})(?!\w)/i;
const EPIC_CELL = /^(?:(?:E|Epic\s*)(\d{1,9})(?!\w)|(\d{1,9})$)/i;

/**
 * Status rows of the plan README. A row counts when one cell holds 🔴, 🟡 or 🟢 and the row names a task by
 * (a) a markdown link to the epic file, (b) a full id such as `billing/E01` or `billing/E1`, or
 * (c) an `E01`, `01` or `Epic 1` cell (the column headed Epic/#/ID if there is one, else the first such cell)
 * under the nearest heading that names a module (`## Billing`, `## billing-module`, `### Billing Module`).
 * Tables inside code fences are skipped; rows that name nothing (a legend) are too.
 */
export function readmeRows(readme: string, plansDirRel: string, modules: readonly Pick<ModuleInfo, 'name' | 'dir'>[]): ReadmeRow[] {
  return readmeTable(readme, plansDirRel, modules).rows;
}

// PERF: one `orch sync` reads the same README up to four times (the plan's marks, the rows to drop, the rows to add,
// the rows to report): the last answer is kept, for the same text, folder and modules (issue 12). Rows are not
// mutated by any caller; the arrays are copied.
let last: { readme: string; plansDirRel: string; modulesKey: string; rows: ReadmeRow[]; unreadable: UnreadableRow[] } | undefined;

/** The status rows, and the rows of status tables that Orch cannot read (with why). */
export function readmeTable(readme: string, plansDirRel: string, modules: readonly Pick<ModuleInfo, 'name' | 'dir'>[]): { rows: ReadmeRow[]; unreadable: UnreadableRow[] } {
  const modulesKey = modules.map((m) => `${m.name}\0${m.dir}`).join('\n');
  if (last === undefined || last.readme !== readme || last.plansDirRel !== plansDirRel || last.modulesKey !== modulesKey) {
    last = { readme, plansDirRel, modulesKey, ...parseTable(readme, plansDirRel, modules) };
  }
  return { rows: [...last.rows], unreadable: [...last.unreadable] };
}

function parseTable(readme: string, plansDirRel: string, modules: readonly Pick<ModuleInfo, 'name' | 'dir'>[]): { rows: ReadmeRow[]; unreadable: UnreadableRow[] } {
  const lines = lineSpans(readme);
  const texts = lines.map((s) => readme.slice(s.start, s.end));
  const code = codeLines(texts);
  const names = moduleNames(modules);
  const rows: ReadmeRow[] = [];
  const unreadable: UnreadableRow[] = [];
  const headings: { level: number; module?: string }[] = [];
  let header: string[] | undefined;

  for (let i = 0; i < lines.length; i++) {
    const text = texts[i]!;
    if (code[i]) {
      header = undefined;
      continue;
    }
    const h = heading(text);
    if (h) {
      while (headings.length > 0 && headings[headings.length - 1]!.level >= h.level) headings.pop();
      headings.push({ level: h.level, module: names.get(headingKey(h.text)) });
      header = undefined;
      continue;
    }
    if (!text.includes('|')) {
      header = undefined;
      continue;
    }
    if (header === undefined) {
      const next = texts[i + 1];
      if (next !== undefined && !code[i + 1] && isDelimiterRow(next)) {
        header = splitCells(readme, lines[i]!).map((c) => plain(readme.slice(c.start, c.end)));
        i++;
      }
      continue;
    }
    const module = [...headings].reverse().find((entry) => entry.module !== undefined)?.module;
    const row = readRow(readme, lines[i]!, i + 1, header, module, plansDirRel);
    if (row && 'why' in row) unreadable.push(row);
    else if (row) rows.push(row);
  }
  return { rows, unreadable };
}

const STATUS_HEADER = /^status$/i;

function readRow(readme: string, span: Span, line: number, header: readonly string[], module: string | undefined, plansDirRel: string): ReadmeRow | UnreadableRow | undefined {
  const cells = splitCells(readme, span);
  const contents = cells.map((c) => readme.slice(c.start, c.end));
  const statusCell = contents.findIndex((c) => EMOJI.test(c));
  const text = readme.slice(span.start, span.end);
  const statusColumn = header.findIndex((name) => STATUS_HEADER.test(name));
  if (statusCell === -1) {
    // Only a table with a Status column is a status table; a row there that names an epic needs its mark.
    const named = statusColumn !== -1 && (linkTarget(text, plansDirRel) ?? fullIdTarget(contents, statusColumn) ?? epicCellTarget(contents, header, statusColumn, module));
    return named ? { line, text, why: `has no status mark in its Status cell ("${plain(contents[statusColumn] ?? '')}"): write 🔴, 🟡 or 🟢` } : undefined;
  }
  const status = EMOJI_STATUS.get(EMOJI.exec(contents[statusCell]!)![0])!;
  const target = linkTarget(text, plansDirRel) ?? fullIdTarget(contents, statusCell) ?? epicCellTarget(contents, header, statusCell, module);
  if (!target) {
    const legend = contents.filter((c) => EMOJI.test(c)).length > 1 || statusColumn === -1;
    return legend ? undefined : { line, text, why: 'names no epic: link its file ([E01](core-module/epic-01-x.md)) or write its id (core/E01)' };
  }
  const notes = header.findIndex((name) => NOTES_HEADER.test(name));
  return { line, status, target, text, span, cells, statusCell, header: [...header], ...(notes !== -1 && notes < cells.length ? { notesCell: notes } : {}) };
}

function linkTarget(row: string, plansDirRel: string): RowTarget | undefined {
  const link = epicLink(row, plansDirRel);
  return link && { kind: 'file', path: link.path };
}

/** The first link of a row to an epic file: where its URL sits in the row text and the repo-relative path it names. */
export function epicLink(row: string, plansDirRel: string): { start: number; end: number; path: string } | undefined {
  for (const match of row.matchAll(LINK)) {
    const url = match[1]!;
    const raw = url.replace(/[#?].*$/, '');
    if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || !/\.md$/i.test(raw) || !/^epic/i.test(posix.basename(raw))) continue;
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // A stray % stays as written.
    }
    const path = decoded.startsWith('/') ? posix.normalize(decoded.slice(1)) : posix.normalize(posix.join(plansDirRel, decoded));
    const start = match.index + match[0].indexOf(`](${url}`) + 2;
    return { start, end: start + url.length, path };
  }
  return undefined;
}

/** A full task id (`billing/E01`) written anywhere in the row's cells other than its status cell. */
export function rowFullId(row: Pick<ReadmeRow, 'cells' | 'statusCell'>, readme: string): { module: string; epic: number } | undefined {
  const t = fullIdTarget(row.cells.map((c) => readme.slice(c.start, c.end)), row.statusCell);
  return t?.kind === 'id' ? { module: t.module, epic: t.epic } : undefined;
}

function fullIdTarget(contents: readonly string[], statusCell: number): RowTarget | undefined {
  for (let i = 0; i < contents.length; i++) {
    if (i === statusCell) continue;
    const match = FULL_ID.exec(contents[i]!);
    if (match) return { kind: 'id', module: match[1]!, epic: Number(match[2]) };
  }
  return undefined;
}

function epicCellTarget(contents: readonly string[], header: readonly string[], statusCell: number, module: string | undefined): RowTarget | undefined {
  if (module === undefined) return undefined;
  const column = header.findIndex((name) => EPIC_HEADER.test(name));
  const order = column === -1 ? contents.map((_, i) => i) : [column];
  for (const i of order) {
    if (i === statusCell || contents[i] === undefined) continue;
    const match = EPIC_CELL.exec(plain(contents[i]!));
    if (match) return { kind: 'id', module, epic: Number(match[1] ?? match[2]) };
  }
  return undefined;
}

/** Cell text without emphasis, code ticks and link syntax. */
function plain(cell: string): string {
  return cell
    .replace(/\[([^[\]\n]*)\]\([^()\n]*\)/g, '$1')
    .replace(/[*_`]/g, '')
    .trim();
}

/** Heading text -> the key module names are looked up by ("1. Billing Module" -> "billing"). */
function headingKey(text: string): string {
  const words = plain(text)
    .toLowerCase()
    .replace(/^[^a-z0-9]+/, '')
    .replace(/^\d+[.)]\s*/, '')
    .replace(/^module:?\s+/, '')
    .replace(/\([^()]*\)$/, '')
    .trim()
    .replace(/\s+/g, '-');
  return moduleKey(words);
}

function moduleNames(modules: readonly Pick<ModuleInfo, 'name' | 'dir'>[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of modules) {
    names.set(moduleKey(m.name), m.name);
    const folder = moduleKey(posix.basename(m.dir));
    if (!names.has(folder)) names.set(folder, m.name);
  }
  return names;
}

function isDelimiterRow(line: string): boolean {
  const compact = line.replace(/\s+/g, '');
  return compact.includes('|') && /^\|?:?-+:?(?:\|:?-+:?)*\|?$/.test(compact);
}

/** Cells between unescaped pipes; the empty edges of `| a | b |` are not cells. */
export function splitCells(text: string, span: Span): Span[] {
  const cells: Span[] = [];
  let from = span.start;
  for (let i = span.start; i < span.end; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '|') {
      cells.push({ start: from, end: i });
      from = i + 1;
    }
  }
  cells.push({ start: from, end: span.end });
  const blank = (c: Span) => text.slice(c.start, c.end).trim() === '';
  if (cells.length > 1 && blank(cells[0]!)) cells.shift();
  if (cells.length > 1 && blank(cells[cells.length - 1]!)) cells.pop();
  return cells;
}

/** Every line's span, line endings (`\n` or `\r\n`) excluded. */
export function lineSpans(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      spans.push({ start, end: text.length });
      return spans;
    }
    spans.push({ start, end: nl > start && text[nl - 1] === '\r' ? nl - 1 : nl });
    start = nl + 1;
  }
}
