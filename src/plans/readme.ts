import { parseTaskRef, taskKey } from './ids.js';
import { readmeRows, STATUS_EMOJI } from './readme-table.js';
import type { ReadmeRow, RowTarget, Span } from './readme-table.js';
import type { ModuleInfo, PlanStatus } from './types.js';

/** Does this README row name the task? */
export function rowNames(target: RowTarget, taskId: string, taskFile: string): boolean {
  if (target.kind === 'file') return target.path === taskFile;
  const ref = parseTaskRef(taskId);
  return ref?.module !== undefined && taskKey(target.module, target.epic) === taskKey(ref.module, ref.epic);
}

// PERF: a sync of 2,000 epics asked rowNames of every row for every task (4 million calls, each parsing an id:
// about a second per `orch sync`); these answer the same questions from one pass over each side (issue 12).

/** `rows.some((r) => rowNames(r.target, taskId, taskFile))`, for many tasks. */
export function rowIndex(rows: readonly { target: RowTarget }[]): (taskId: string, taskFile: string) => boolean {
  const files = new Set<string>();
  const keys = new Set<string>();
  for (const { target } of rows) {
    if (target.kind === 'file') files.add(target.path);
    else keys.add(taskKey(target.module, target.epic));
  }
  return (taskId, taskFile) => {
    if (files.has(taskFile)) return true;
    if (keys.size === 0) return false;
    const ref = parseTaskRef(taskId);
    return ref?.module !== undefined && keys.has(taskKey(ref.module, ref.epic));
  };
}

/** `tasks.find((t) => rowNames(target, t.id, t.file))`, for many rows. */
export function taskFinder<T extends { id: string; file: string }>(tasks: readonly T[]): (target: RowTarget) => T | undefined {
  const byFile = new Map<string, T>();
  const byKey = new Map<string, T>();
  for (const t of tasks) {
    if (!byFile.has(t.file)) byFile.set(t.file, t);
    const ref = parseTaskRef(t.id);
    if (ref?.module === undefined) continue;
    const key = taskKey(ref.module, ref.epic);
    if (!byKey.has(key)) byKey.set(key, t);
  }
  return (target) => (target.kind === 'file' ? byFile.get(target.path) : byKey.get(taskKey(target.module, target.epic)));
}

/**
 * Sets the status mark of every README row that names the task. Only the emoji changes; every other byte,
 * line endings included, stays as it was.
 *
 * Notes: a note is written as `(orch: <note>)` at the end of the row's Notes/Note cell when the table has one,
 * else at the end of the status cell (`🔴 (orch: tests failed)`), so people see it on the rendered page and
 * human text in the cell is kept. Orch owns only that parenthesis: the next call replaces it, and a call
 * without a note removes it, so a stale failure note never outlives the failure.
 */
export function setReadmeStatus(
  readme: string,
  plansDirRel: string,
  modules: readonly Pick<ModuleInfo, 'name' | 'dir'>[],
  taskId: string,
  taskFile: string,
  status: PlanStatus,
  note?: string,
): { text: string; changed: boolean; found: boolean } {
  const rows = readmeRows(readme, plansDirRel, modules).filter((row) => rowNames(row.target, taskId, taskFile));
  if (rows.length === 0) return { text: readme, changed: false, found: false };
  let text = readme;
  // Right to left, so earlier offsets stay valid.
  for (const row of [...rows].reverse()) {
    const line = rewriteRow(readme, row, status, note);
    text = text.slice(0, row.span.start) + line + text.slice(row.span.end);
  }
  return { text, changed: text !== readme, found: true };
}

const NOTE_START = '(orch:';

function rewriteRow(readme: string, row: ReadmeRow, status: PlanStatus, note: string | undefined): string {
  const contents = row.cells.map((cell) => readme.slice(cell.start, cell.end));
  contents[row.statusCell] = contents[row.statusCell]!.replace(/🔴|🟡|🟢/u, STATUS_EMOJI[status]);
  const noteCell = row.notesCell ?? row.statusCell;
  contents[noteCell] = withNote(contents[noteCell]!, note);
  let line = readme.slice(row.span.start, row.span.end);
  for (let i = row.cells.length - 1; i >= 0; i--) {
    const cell: Span = row.cells[i]!;
    const from = cell.start - row.span.start;
    line = line.slice(0, from) + contents[i]! + line.slice(cell.end - row.span.start);
  }
  return line;
}

/** The cell with its orch note removed, then `note` appended if given; padding kept. */
function withNote(cell: string, note: string | undefined): string {
  const blank = cell.trim() === '';
  const lead = blank ? ' ' : cell.slice(0, cell.length - cell.trimStart().length);
  const trail = blank ? ' ' : cell.slice(cell.trimEnd().length);
  let core = cell.trim();
  const at = core.indexOf(NOTE_START);
  const hadNote = at !== -1;
  if (hadNote) {
    const close = core.lastIndexOf(')');
    core = (core.slice(0, at) + (close > at ? core.slice(close + 1) : '')).trim();
  }
  if (note === undefined || note.trim() === '') return hadNote ? lead + core + trail : cell;
  const clean = note.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  const written = core === '' ? `${NOTE_START} ${clean})` : `${core} ${NOTE_START} ${clean})`;
  return (lead === '' ? ' ' : lead) + written + (trail === '' ? ' ' : trail);
}
