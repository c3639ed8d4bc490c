import { posix } from 'node:path';
import type { PlanIssue, SyncResult } from '../api/index.js';
import { readmeTable, staleDuplicateRows, taskFinder, withMovedLinks, withoutRows, withoutStaleRows, withStatusTable, type ModuleInfo, type PlanStatus, type TableEpic } from '../plans/index.js';
import type { TaskRow } from '../store/index.js';
import type { Mutex } from './mutex.js';
import type { RepoPort } from './ports.js';
import { inPlans, mayStayDirty } from './writeback.js';

export interface StatusTableDeps {
  repo: RepoPort;
  plansDir: string;
  target: string;
  targetMutex: Mutex;
  modules: readonly ModuleInfo[];
  log: (msg: string) => void;
  /** `orch sync --fix`: remove stale duplicate rows (a renamed epic listed twice) that hold nothing the kept row lacks. */
  fix?: boolean;
  /** The last check that changed nothing, kept by the engine between syncs (see syncStatusTable). */
  memo?: StatusTableMemo;
}

/** The findings of the last check that wrote nothing, and what they were made from. */
export interface StatusTableMemo {
  last?: { tip: string; plansDir: string; fix: boolean; tasks: readonly TaskRow[]; modules: readonly ModuleInfo[]; issues: PlanIssue[] };
}

const planStatus = (t: TaskRow): PlanStatus => (t.status === 'complete' ? 'complete' : t.status === 'in_progress' ? 'in_progress' : 'not_started');

/**
 * `orch sync` keeps `<plans>/README.md` on the target branch listing every epic of the plan (created when missing,
 * extended when epics are missing), as a `chore(plan):` commit like the status marks. It says which rows Orch cannot
 * read, which name no task of the plan, and which epics are still missing when the commit could not be made.
 */
export async function syncStatusTable(d: StatusTableDeps, tasks: readonly TaskRow[]): Promise<{ table?: NonNullable<SyncResult['statusTable']>; issues: PlanIssue[]; /** The table on the target was read and reported on. */ checked?: boolean }> {
  const path = posix.join(d.plansDir, 'README.md');
  const plans = inPlans(d.plansDir);
  const current = tasks.filter((t) => t.source === 'plan' && t.removedAt === null && plans(t.file) && t.file.endsWith('.md'));
  const epics: TableEpic[] = current.map((t) => ({ id: t.id, module: t.module, epic: t.epic, title: t.title, file: t.file, status: planStatus(t) }));
  const currentIds = new Set(current.map((t) => t.id));
  const gone = tasks.filter((t) => t.source === 'plan' && t.removedAt !== null && plans(t.file) && !currentIds.has(t.id));
  return d.targetMutex.run(async () => {
    const issues: PlanIssue[] = [];
    const tip = await d.repo.revParse(`refs/heads/${d.target}`);
    if (!tip) return { issues };
    // PERF: the same target commit, the same task rows (the store's list is the same array until a write) and the
    // same modules: the table reads as it read, and its findings are those of last time. No README read, parsed
    // twice and rebuilt for 2,000 epics on every `orch sync` that changed nothing (issue 12).
    const last = d.memo?.last;
    if (last && last.tip === tip && last.plansDir === d.plansDir && last.fix === (d.fix === true) && last.tasks === tasks && last.modules === d.modules) return { issues: [...last.issues], checked: true };
    const readme = await d.repo.readFileAt(tip, path);
    // Rows of epics removed from the plan go: a table that lists them would say they are still to do.
    const dropped = readme === undefined ? [] : removedRows(readme, d, current, gone);
    const kept = dropped.length > 0 ? withoutRows(readme!, dropped.map((r) => r.line)) : readme;
    // A renamed epic file: its row follows it (a new row would list the task twice, the old one a missing file).
    const relinked = kept === undefined ? { text: kept, moved: [] } : withMovedLinks(kept, d.plansDir, d.modules, epics);
    const moved = relinked.moved;
    // Rows an older Orch left when an epic file was renamed (a second row for the same epic): removed on request only.
    const stale = d.fix && relinked.text !== undefined ? staleDuplicateRows(relinked.text, d.plansDir, d.modules, epics).filter((r) => r.differs === undefined) : [];
    const base = stale.length > 0 ? withoutStaleRows(relinked.text!, stale.map((r) => r.line)) : relinked.text;
    const out = epics.length > 0 ? withStatusTable(base, d.plansDir, d.modules, epics) : { text: base ?? '', created: false, added: [] };
    let text = readme ?? '';
    let table: NonNullable<SyncResult['statusTable']> | undefined;
    if (out.added.length > 0 || dropped.length > 0 || moved.length > 0 || stale.length > 0) {
      const edits = [
        ...(out.added.length === 0 || out.created ? [] : [`add ${out.added.join(', ')}`]),
        ...(dropped.length === 0 ? [] : [`drop ${dropped.map((r) => r.id).join(', ')}`]),
        ...(moved.length === 0 ? [] : [`link ${moved.map((m) => m.id).join(', ')} to ${moved.length === 1 ? 'its renamed file' : 'their renamed files'}`]),
        ...(stale.length === 0 ? [] : [`remove the stale duplicate row${stale.length === 1 ? '' : 's'} of ${[...new Set(stale.map((r) => r.id))].join(', ')}`]),
      ];
      const what = out.created ? `status table for ${out.added.length} epic${out.added.length === 1 ? '' : 's'}` : `status table: ${edits.join('; ')}`;
      const commit = await d.repo.commitFilesOnto({ target: tip, files: [{ path, content: out.text }], message: `chore(plan): ${what}` });
      const advanced = await d.repo.advanceBranch({ branch: d.target, from: tip, to: commit, mayBeDirty: mayStayDirty(d.plansDir) });
      table = {
        path,
        created: out.created,
        added: out.added,
        written: advanced.ok,
        ...(dropped.length > 0 ? { dropped: dropped.map((r) => r.id) } : {}),
        ...(moved.length > 0 ? { relinked: moved.map((m) => ({ id: m.id, from: m.from, to: m.to })) } : {}),
        ...(stale.length > 0 ? { deduplicated: stale.map((r) => ({ id: r.id, from: r.from })) } : {}),
      };
      if (advanced.ok) text = out.text;
      else {
        d.log(`plan status table not written to ${d.target}: ${advanced.detail}`);
        if (out.added.length > 0) {
          issues.push({
            severity: 'warning',
            code: 'status_table_missing',
            file: path,
            line: 0,
            message: `${out.added.length} epic${out.added.length === 1 ? ' is' : 's are'} missing from the status table (${out.added.slice(0, 6).join(', ')}${out.added.length > 6 ? ', ...' : ''}); Orch could not add ${out.added.length === 1 ? 'it' : 'them'} to ${d.target}: ${advanced.detail}`,
            fix: `commit or stash the changes named, then run orch sync again`,
          });
        }
      }
      for (const r of dropped) {
        issues.push(
          advanced.ok
            ? { severity: 'warning', code: 'status_row_removed', file: path, line: 0, message: `dropped the status row of ${r.id}: its epic was removed from the plan`, fix: `nothing to do; if the removal was a mistake, put ${r.file} back and orch sync adds the row again` }
            : { severity: 'warning', code: 'status_row_removed', file: path, line: r.line, message: `this status row names ${r.id}, which was removed from the plan; Orch could not drop it on ${d.target}: ${advanced.detail}`, fix: 'commit or stash the changes named, then run orch sync again (or remove the row yourself)' },
        );
      }
    }
    if (readme === undefined && !table?.written) return { ...(table ? { table } : {}), issues };
    const parsed = readmeTable(text, d.plansDir, d.modules);
    for (const u of parsed.unreadable) {
      issues.push({ severity: 'warning', code: 'status_row_unreadable', file: path, line: u.line, message: `Orch cannot read this status row: ${u.why}`, fix: 'a row names its epic by a link to the epic file and holds 🔴, 🟡 or 🟢 in its Status cell (docs/cli.md)' });
    }
    const staleNow = staleDuplicateRows(text, d.plansDir, d.modules, epics);
    for (const r of staleNow) {
      const fix = r.differs
        ? `this row holds ${r.differs}, which line ${r.keptLine} does not: move what you want to keep to line ${r.keptLine} and delete this row (or empty those cells and run \`orch sync --fix\`)`
        : `\`orch sync --fix\` removes this duplicate row (it holds nothing line ${r.keptLine} does not)`;
      issues.push({ severity: 'warning', code: 'status_row_stale', file: path, line: r.line, message: `this status row lists ${r.id} by ${r.from}, a file that is gone; line ${r.keptLine} lists ${r.id} by its file now`, fix });
    }
    const staleLines = new Set(staleNow.map((r) => r.line));
    const inPlan = taskFinder(current);
    for (const r of parsed.rows) {
      if (inPlan(r.target) || staleLines.has(r.line)) continue;
      if (text === readme && dropped.some((x) => x.line === r.line)) continue;
      const named = r.target.kind === 'file' ? r.target.path : `${r.target.module}/E${String(r.target.epic).padStart(2, '0')}`;
      issues.push({ severity: 'warning', code: 'status_row_unknown', file: path, line: r.line, message: `this status row names ${named}, which is not an epic of the plan`, fix: 'fix its link or id, or remove the row' });
    }
    if (d.memo) d.memo.last = table ? undefined : { tip, plansDir: d.plansDir, fix: d.fix === true, tasks, modules: d.modules, issues: [...issues] };
    return { ...(table ? { table } : {}), issues, checked: true };
  });
}

/** The rows that name a task removed from the plan (and no task still in it). */
function removedRows(readme: string, d: StatusTableDeps, current: readonly TaskRow[], gone: readonly TaskRow[]): Array<{ id: string; file: string; line: number }> {
  const out: Array<{ id: string; file: string; line: number }> = [];
  const inPlan = taskFinder(current);
  const removed = taskFinder(gone);
  for (const r of readmeTable(readme, d.plansDir, d.modules).rows) {
    if (inPlan(r.target)) continue;
    const t = removed(r.target);
    if (t) out.push({ id: t.id, file: t.file, line: r.line });
  }
  return out;
}
