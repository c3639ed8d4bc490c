import { posix } from 'node:path';
import { rowIndex, taskFinder } from './readme.js';
import { epicLink, lineSpans, readmeTable, rowFullId, STATUS_EMOJI, type ReadmeRow } from './readme-table.js';
import { taskKey } from './ids.js';
import type { ModuleInfo, PlanStatus } from './types.js';

/** An epic as the status table lists it. */
export interface TableEpic {
  id: string;
  module: string;
  epic: number;
  title: string;
  /** Repository-relative path of the epic file. */
  file: string;
  status: PlanStatus;
}

const HEADER = ['Epic', 'Title', 'Status', 'Notes'];
const TITLE_HEADER = /^(?:title|name|epic name|summary|description)$/i;
const EPIC_HEADER = /^(?:epic|#|id|no\.?|nr\.?|number|task)$/i;

const cell = (s: string): string => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const link = (e: TableEpic, plansDirRel: string): string => `[${e.id}](${encodeURI(posix.relative(plansDirRel, e.file))})`;
const ourRow = (e: TableEpic, plansDirRel: string): string => `| ${link(e, plansDirRel)} | ${cell(e.title)} | ${STATUS_EMOJI[e.status]} | |`;

function section(module: string, epics: readonly TableEpic[], plansDirRel: string, nl: string): string {
  return [`## ${module}`, '', `| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`, ...epics.map((e) => ourRow(e, plansDirRel))].join(nl);
}

/** A row shaped like `after` (same columns): the epic's link where the table names epics, its title, its mark. */
function rowLike(after: ReadmeRow, e: TableEpic, plansDirRel: string): string {
  const n = after.cells.length;
  let epicCol = after.header.findIndex((h) => EPIC_HEADER.test(h));
  if (epicCol === -1 || epicCol === after.statusCell) epicCol = after.statusCell === 0 ? 1 : 0;
  const cells = Array.from({ length: n }, (_, i) => {
    if (i === after.statusCell) return STATUS_EMOJI[e.status];
    if (i === epicCol) return link(e, plansDirRel);
    return TITLE_HEADER.test(after.header[i] ?? '') ? cell(e.title) : '';
  });
  return `| ${cells.join(' | ')} |`.replace(/ {2}\|/g, ' |');
}

export const README_INTRO = [
  '# Plan status',
  '',
  'Kept by Orch: `orch sync` adds every epic of the plan, runs set the marks (🔴 not started, 🟡 in progress,',
  "🟢 merged) in the Status column. Edit titles, order and notes freely; a row names its epic by the link. See Orch's",
  'docs/cli.md, "The plan status table".',
];

/**
 * The plan README with a status row for every epic: created when there is none; otherwise each missing epic is added
 * after the last row of its module (in that table's columns) or, for a module without rows, in a new section at the
 * end. Every other byte stays as written.
 */
export function withStatusTable(
  readme: string | undefined,
  plansDirRel: string,
  modules: readonly Pick<ModuleInfo, 'name' | 'dir'>[],
  epics: readonly TableEpic[],
  /** Add only these epics; the others only place them (after the last row of their module). Default: all. */
  only?: ReadonlySet<string>,
): { text: string; created: boolean; added: string[] } {
  const sorted = [...epics].sort((a, b) => a.module.localeCompare(b.module) || a.epic - b.epic);
  const wanted = (e: TableEpic): boolean => !only || only.has(e.id);
  const byModule = new Map<string, TableEpic[]>();
  for (const e of sorted) byModule.set(e.module, [...(byModule.get(e.module) ?? []), e]);
  if (readme === undefined) {
    const sections = [...byModule].map(([m, es]) => [m, es.filter(wanted)] as const).filter(([, es]) => es.length > 0);
    const text = [...README_INTRO, ...sections.map(([m, es]) => `\n${section(m, es, plansDirRel, '\n')}`)].join('\n') + '\n';
    return { text, created: true, added: sorted.filter(wanted).map((e) => e.id) };
  }
  const nl = readme.includes('\r\n') ? '\r\n' : '\n';
  const rows = readmeTable(readme, plansDirRel, modules).rows;
  const listed = rowIndex(rows);
  const missing = sorted.filter((e) => wanted(e) && !listed(e.id, e.file));
  if (missing.length === 0) return { text: readme, created: false, added: [] };
  const isMissing = new Set(missing);
  const lines = lineSpans(readme);
  // Inserts after a line, right to left so earlier offsets stay valid.
  const inserts: Array<{ at: number; text: string }> = [];
  const sections: string[] = [];
  for (const [module, all] of byModule) {
    const want = all.filter((e) => isMissing.has(e));
    if (want.length === 0) continue;
    const ofModule = taskFinder(all);
    const mine = rows.filter((r) => ofModule(r.target) !== undefined);
    const last = mine.sort((a, b) => a.line - b.line).at(-1);
    if (last) inserts.push({ at: lines[last.line - 1]!.end, text: want.map((e) => nl + rowLike(last, e, plansDirRel)).join('') });
    else sections.push(section(module, want, plansDirRel, nl));
  }
  let text = readme;
  for (const ins of inserts.sort((a, b) => b.at - a.at)) text = text.slice(0, ins.at) + ins.text + text.slice(ins.at);
  if (sections.length > 0) text = `${text.replace(/(\r?\n)*$/, '')}${nl}${nl}${sections.join(nl + nl)}${nl}`;
  // A row Orch wrote must read back; any that does not (an odd table) gets a section of its own.
  const readBack = rowIndex(readmeTable(text, plansDirRel, modules).rows);
  const unread = missing.filter((e) => !readBack(e.id, e.file));
  if (unread.length > 0) text = `${text.replace(/(\r?\n)*$/, '')}${nl}${nl}${section('Epics added by orch sync', unread, plansDirRel, nl)}${nl}`;
  return { text, created: false, added: missing.map((e) => e.id) };
}

/**
 * Rows whose link names an epic file that is gone while the row's id (`[web/E01](...)`) is still an epic of the plan
 * under another file name (a renamed epic): the link is pointed at the epic's file now. Only the link's URL changes;
 * titles and notes are the user's. A task some other row already links keeps that row, and this one is left alone.
 */
export function withMovedLinks(
  readme: string,
  plansDirRel: string,
  modules: readonly Pick<ModuleInfo, 'name' | 'dir'>[],
  epics: readonly TableEpic[],
): { text: string; moved: Array<{ id: string; from: string; to: string; line: number }> } {
  const rows = readmeTable(readme, plansDirRel, modules).rows;
  const byFile = new Set(epics.map((e) => e.file));
  const byKey = new Map(epics.map((e) => [taskKey(e.module, e.epic), e]));
  const linked = new Set(rows.flatMap((r) => (r.target.kind === 'file' && byFile.has(r.target.path) ? [r.target.path] : [])));
  const edits: Array<{ start: number; end: number; url: string }> = [];
  const moved: Array<{ id: string; from: string; to: string; line: number }> = [];
  for (const r of rows) {
    if (r.target.kind !== 'file' || byFile.has(r.target.path)) continue;
    const id = rowFullId(r, readme);
    const e = id && byKey.get(taskKey(id.module, id.epic));
    const link = epicLink(r.text, plansDirRel);
    if (!e || !link || linked.has(e.file)) continue;
    linked.add(e.file);
    edits.push({ start: r.span.start + link.start, end: r.span.start + link.end, url: encodeURI(posix.relative(plansDirRel, e.file)) });
    moved.push({ id: e.id, from: r.target.path, to: e.file, line: r.line });
  }
  let text = readme;
  for (const x of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, x.start) + x.url + text.slice(x.end);
  return { text, moved };
}

/** The README without the given rows (1-based line numbers), each removed with its line ending. */
export function withoutRows(readme: string, lines: readonly number[]): string {
  const spans = lineSpans(readme);
  let text = readme;
  for (const n of [...new Set(lines)].sort((a, b) => b - a)) {
    const span = spans[n - 1];
    if (!span) continue;
    const next = spans[n];
    // The line and the ending after it; the last line takes the ending before it instead.
    const start = next ? span.start : Math.max(0, span.start - (readme[span.start - 2] === '\r' ? 2 : 1));
    const end = next ? next.start : span.end;
    text = text.slice(0, start) + text.slice(end);
  }
  return text;
}
