import { posix } from 'node:path';
import type { PlanIssue, SyncResult } from '../api/index.js';
import { readmeTable, rowNames, withStatusTable, type ModuleInfo, type PlanStatus, type TableEpic } from '../plans/index.js';
import type { TaskRow } from '../store/index.js';
import type { Mutex } from './mutex.js';
import type { RepoPort } from './ports.js';
import { inPlans } from './writeback.js';

export interface StatusTableDeps {
  repo: RepoPort;
  plansDir: string;
  target: string;
  targetMutex: Mutex;
  modules: readonly ModuleInfo[];
  log: (msg: string) => void;
}

const planStatus = (t: TaskRow): PlanStatus => (t.status === 'complete' ? 'complete' : t.status === 'in_progress' ? 'in_progress' : 'not_started');

/**
 * `orch sync` keeps `<plans>/README.md` on the target branch listing every epic of the plan (created when missing,
 * extended when epics are missing), as a `chore(plan):` commit like the status marks. It says which rows Orch cannot
 * read, which name no task of the plan, and which epics are still missing when the commit could not be made.
 */
export async function syncStatusTable(d: StatusTableDeps, tasks: readonly TaskRow[]): Promise<{ table?: NonNullable<SyncResult['statusTable']>; issues: PlanIssue[] }> {
  const path = posix.join(d.plansDir, 'README.md');
  const plans = inPlans(d.plansDir);
  const current = tasks.filter((t) => t.source === 'plan' && t.removedAt === null && plans(t.file) && t.file.endsWith('.md'));
  const epics: TableEpic[] = current.map((t) => ({ id: t.id, module: t.module, epic: t.epic, title: t.title, file: t.file, status: planStatus(t) }));
  return d.targetMutex.run(async () => {
    const issues: PlanIssue[] = [];
    const tip = await d.repo.revParse(`refs/heads/${d.target}`);
    if (!tip) return { issues };
    const readme = await d.repo.readFileAt(tip, path);
    const out = epics.length > 0 ? withStatusTable(readme, d.plansDir, d.modules, epics) : { text: readme ?? '', created: false, added: [] };
    let text = readme ?? '';
    let table: NonNullable<SyncResult['statusTable']> | undefined;
    if (out.added.length > 0) {
      const what = out.created ? `status table for ${out.added.length} epic${out.added.length === 1 ? '' : 's'}` : `status table: add ${out.added.join(', ')}`;
      const commit = await d.repo.commitFilesOnto({ target: tip, files: [{ path, content: out.text }], message: `chore(plan): ${what}` });
      const moved = await d.repo.advanceBranch({ branch: d.target, from: tip, to: commit, mayBeDirty: plans });
      table = { path, created: out.created, added: out.added, written: moved.ok };
      if (moved.ok) text = out.text;
      else {
        d.log(`plan status table not written to ${d.target}: ${moved.detail}`);
        issues.push({
          severity: 'warning',
          code: 'status_table_missing',
          file: path,
          line: 0,
          message: `${out.added.length} epic${out.added.length === 1 ? ' is' : 's are'} missing from the status table (${out.added.slice(0, 6).join(', ')}${out.added.length > 6 ? ', ...' : ''}); Orch could not add ${out.added.length === 1 ? 'it' : 'them'} to ${d.target}: ${moved.detail}`,
          fix: `commit or stash the changes named, then run orch sync again`,
        });
      }
    }
    if (readme === undefined && !table?.written) return { ...(table ? { table } : {}), issues };
    const parsed = readmeTable(text, d.plansDir, d.modules);
    for (const u of parsed.unreadable) {
      issues.push({ severity: 'warning', code: 'status_row_unreadable', file: path, line: u.line, message: `Orch cannot read this status row: ${u.why}`, fix: 'a row names its epic by a link to the epic file and holds 🔴, 🟡 or 🟢 in its Status cell (docs/cli.md)' });
    }
    for (const r of parsed.rows) {
      if (current.some((t) => rowNames(r.target, t.id, t.file))) continue;
      const named = r.target.kind === 'file' ? r.target.path : `${r.target.module}/E${String(r.target.epic).padStart(2, '0')}`;
      issues.push({ severity: 'warning', code: 'status_row_unknown', file: path, line: r.line, message: `this status row names ${named}, which is not an epic of the plan`, fix: 'fix its link or id, or remove the row' });
    }
    return { ...(table ? { table } : {}), issues };
  });
}
