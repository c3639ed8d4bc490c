import type { PlanIssue, RemovedRun, Status, SyncResult, Task } from '../../api/index.js';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, errColor, listOf, plural, statusMark, yellow } from '../format.js';
import { out } from '../io.js';
import { noTasksHint } from '../next-step.js';

export function formatPlanIssue(i: PlanIssue): string {
  // Line 0 means the problem has no line (a missing folder): no `:0`.
  const head = `${i.line > 0 ? `${i.file}:${i.line}` : i.file}: ${i.severity === 'error' ? errColor.red('error') : errColor.yellow('warning')} ${i.message}`;
  return i.fix ? `${head}\n  ${errColor.dim('fix:')} ${i.fix}` : head;
}

export async function sync(globals: () => GlobalOptions, o: { json?: boolean; fix?: boolean }): Promise<void> {
  const c = await client(globals());
  const r = await c.post<SyncResult>('/api/sync', o.fix ? { fix: true } : {});
  if (o.json || globals().json) printJson(r);
  else {
    for (const i of r.issues) process.stderr.write(`${formatPlanIssue(i)}\n`);
    if (r.ok) {
      const changed = r.added.length + r.updated.length + r.removed.length > 0;
      const running = (r.removedRuns ?? []).filter((x) => x.outcome !== 'merged').length;
      const counts = changed
        ? `${r.added.length} added, ${r.updated.length} updated, ${r.removed.length} removed${running ? ` (${running} of them running: stopped, nothing merged)` : ''}`
        : 'nothing changed since the last sync';
      out(`synced ${plural(r.tasks, 'task')} in ${plural(r.modules, 'module')} (${counts}) in ${r.durationMs} ms\n`);
      const st = r.statusTable;
      if (st?.written) {
        const did = [
          ...(st.added.length === 0 ? [] : [st.created ? `status table created with ${plural(st.added.length, 'epic')}` : `added ${listOf(st.added)} to the status table`]),
          ...(st.dropped?.length ? [`dropped ${listOf(st.dropped)} from the status table (removed from the plan)`] : []),
          ...(st.relinked?.length ? [`linked ${listOf(st.relinked.map((m) => m.id))} to ${st.relinked.length === 1 ? 'its renamed file' : 'their renamed files'}`] : []),
          ...(st.deduplicated?.length ? [`removed the stale duplicate ${st.deduplicated.length === 1 ? 'row' : 'rows'} of ${listOf([...new Set(st.deduplicated.map((x) => x.id))])} (linking ${listOf(st.deduplicated.map((x) => x.from))}, which ${st.deduplicated.length === 1 ? 'is' : 'are'} gone)`] : []),
        ];
        out(`${st.path}: ${did.join('; ')} (committed as chore(plan))\n`);
      }
      for (const id of r.removed) out(`${yellow('removed from the plan:')} ${id}: ${removedFate(id, r.removedRuns?.find((x) => x.taskId === id))}\n`);
    } else {
      const errors = r.issues.filter((i) => i.severity === 'error').length;
      process.stderr.write(`${errColor.red('plan is invalid')}: ${plural(errors, 'error')}; nothing was synced. Fix the files above and run orch sync again.\n`);
    }
  }
  process.exitCode = r.ok ? Exit.ok : Exit.input;
}

/** What becomes of a removed task and its run, and how to get it back. */
function removedFate(id: string, run: RemovedRun | undefined): string {
  if (!run) return 'kept in history; it starts again only if its file comes back';
  const kept = `its work is kept on ${run.branch} and ${run.savedRef}`;
  const back = `put its file back and \`orch start ${id}\` continues it`;
  switch (run.outcome) {
    case 'stopped':
      return `its running agent was stopped and nothing of it will merge; ${kept}; ${back}`;
    case 'stopping':
      return `its run stops at its next step and nothing of it will merge; ${kept}; ${back}`;
    case 'merging':
      return `its merge was already under way; if it cannot finish now the run stops instead and ${kept}`;
    case 'merged':
      return `it had already merged${run.mergeCommit ? ` as ${run.mergeCommit.slice(0, 7)}; \`git revert ${run.mergeCommit.slice(0, 7)}\` undoes it` : ''}`;
    default: {
      const never: never = run.outcome;
      return String(never);
    }
  }
}

export async function list(globals: () => GlobalOptions, o: { status?: string; module?: string; json?: boolean }): Promise<void> {
  const valid = ['not_started', 'in_progress', 'complete', 'failed', 'needs_review', 'ready'];
  for (const s of o.status?.split(',') ?? []) {
    if (!valid.includes(s.trim())) throw new CliError(`unknown status "${s}"; use one of ${valid.join(', ')}`, Exit.input);
  }
  const q = new URLSearchParams();
  if (o.status) q.set('status', o.status);
  if (o.module) q.set('module', o.module);
  const c = await client(globals(), 'read');
  if (o.json || globals().json) {
    q.set('pretty', '1');
    return void out(`${await c.getText(`/api/tasks?${q.toString()}`)}\n`);
  }
  const tasks = await c.get<Task[]>(`/api/tasks?${q.toString()}`);
  if (tasks.length === 0 && (o.status || o.module)) {
    return void out(`no task${o.module ? ` of ${o.module}` : ''}${o.status ? ` is ${o.status.split(',').join(' or ')}` : ''}; \`orch list\` shows all\n`);
  }
  if (tasks.length === 0) return void out(`no tasks: ${noTasksHint(await c.get<Status>('/api/status'))}\n`);
  await printTasks(tasks, false);
}

export async function next(globals: () => GlobalOptions, o: { module?: string; json?: boolean }): Promise<void> {
  const c = await client(globals(), 'read');
  const tasks = await c.get<Task[]>(`/api/next${o.module ? `?module=${encodeURIComponent(o.module)}` : ''}`);
  if (o.json || globals().json) return printJson(tasks);
  // The order holds, but nothing of it starts while Orch is paused (a pause outlives a daemon restart).
  const status = await c.get<Status>('/api/status');
  if (status.paused) out(`${yellow('Orch is paused')}: none of these starts until \`orch resume\`\n`);
  const none = tasks.length === 0 && Object.values(status.counts).every((n) => n === 0);
  if (none) out(`no tasks: ${noTasksHint(status)}\n`);
  else if (tasks.length === 0) out(`nothing is ready${o.module ? ` in ${o.module}` : ''}; \`orch status\` says what runs and what waits\n`);
  else await printTasks(tasks, true);
}

// The table code (string-width) is loaded for the text only: `--json` answers do without it (issue 12).
async function printTasks(tasks: Task[], numbered: boolean): Promise<void> {
  const { table } = await import('../table.js');
  const rows = [[...(numbered ? ['#'] : []), '', bold('TASK'), bold('PRIORITY'), bold('TITLE'), bold('WAITS FOR')]];
  tasks.forEach((t, i) =>
    rows.push([
      ...(numbered ? [String(i + 1)] : []),
      statusMark[t.status],
      t.id + (t.removed ? dim(' (removed)') : ''),
      t.priority,
      t.title,
      t.status === 'complete' ? '' : t.ready ? 'ready' : t.waitingFor.join(', '),
    ]),
  );
  // Titles are cut to the terminal's width, not the ids and states a person reads the row by.
  out(`${table(rows, undefined, numbered ? 4 : 3)}\n`);
}
