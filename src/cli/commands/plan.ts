import type { PlanIssue, SyncResult, Task } from '../../api/index.js';
import { client, Exit, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, red, statusMark, table, yellow } from '../format.js';

export function formatPlanIssue(i: PlanIssue): string {
  const head = `${i.file}:${i.line}: ${i.severity === 'error' ? red('error') : yellow('warning')} ${i.message}`;
  return i.fix ? `${head}\n  ${dim('fix:')} ${i.fix}` : head;
}

export async function sync(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const r = await c.post<SyncResult>('/api/sync', {});
  if (o.json || globals().json) printJson(r);
  else {
    for (const i of r.issues) process.stderr.write(`${formatPlanIssue(i)}\n`);
    if (r.ok) {
      process.stdout.write(
        `synced ${r.tasks} tasks in ${r.modules} modules (${r.added.length} added, ${r.updated.length} updated, ${r.removed.length} removed) in ${r.durationMs} ms\n`,
      );
      for (const id of r.removed) process.stdout.write(`${yellow('removed from the plan:')} ${id} (kept in history, never started again)\n`);
    } else {
      const errors = r.issues.filter((i) => i.severity === 'error').length;
      process.stderr.write(`${red('plan is invalid')}: ${errors} error(s); nothing was synced. Fix the files above and run orch sync again.\n`);
    }
  }
  process.exitCode = r.ok ? Exit.ok : Exit.input;
}

export async function list(globals: () => GlobalOptions, o: { status?: string; module?: string; json?: boolean }): Promise<void> {
  const valid = ['not_started', 'in_progress', 'complete', 'failed', 'needs_review', 'ready'];
  for (const s of o.status?.split(',') ?? []) {
    if (!valid.includes(s.trim())) {
      process.stderr.write(`unknown status "${s}"; use one of ${valid.join(', ')}\n`);
      process.exitCode = Exit.input;
      return;
    }
  }
  const q = new URLSearchParams();
  if (o.status) q.set('status', o.status);
  if (o.module) q.set('module', o.module);
  const c = await client(globals());
  const tasks = await c.get<Task[]>(`/api/tasks?${q.toString()}`);
  if (o.json || globals().json) return printJson(tasks);
  printTasks(tasks, false);
}

export async function next(globals: () => GlobalOptions, o: { module?: string; json?: boolean }): Promise<void> {
  const c = await client(globals());
  const tasks = await c.get<Task[]>(`/api/next${o.module ? `?module=${encodeURIComponent(o.module)}` : ''}`);
  if (o.json || globals().json) return printJson(tasks);
  if (tasks.length === 0) process.stdout.write('nothing is ready\n');
  else printTasks(tasks, true);
}

function printTasks(tasks: Task[], numbered: boolean): void {
  if (tasks.length === 0) {
    process.stdout.write('no tasks (run `orch sync` after adding docs/plans/<module>/epic-NN-<slug>.md)\n');
    return;
  }
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
  process.stdout.write(`${table(rows)}\n`);
}
