import { z } from 'zod';
import { Status, Task, type BatchReport, type StartResponse } from '../../api/index.js';
import type { Client } from '../../client/index.js';
import { CliError, Exit, printJson } from '../context.js';
import { bold, duration, errColor, green, listOf, plural, red, tokens, yellow } from '../format.js';
import { table } from '../table.js';
import { keepGoingWhenStdoutCloses, out } from '../io.js';
import { followBatch } from './wait.js';
import { isMaintenance, scopeOf, verdictOf, type Verdict } from './verdict.js';
import { noTasksHint } from '../next-step.js';

export interface FollowOptions {
  wait: boolean;
  json: boolean;
  verbose: boolean;
}

/**
 * Says what a start began and what it did not (grouped by why), and with `wait` follows the batch to its end.
 * Returns the exit code: 0 only when every task in scope merged.
 */
export async function followStart(c: Client, res: StartResponse, o: FollowOptions): Promise<number> {
  const [status, tasks] = await Promise.all([c.get('/api/status', Status), c.get('/api/tasks', z.array(Task))]);
  const batch = res.batch;
  const scope = scopeOf(batch, tasks);
  const inScope = (id: string): boolean =>
    batch.scope.tasks.length > 0 ? batch.scope.tasks.includes(id) : batch.scope.module === undefined ? !isMaintenance({ id }) || res.started.some((s) => s.taskId === id) : id.startsWith(`${batch.scope.module}/`);
  const left = scope.filter((t) => t.status !== 'complete');
  const running = status.active.filter((r) => inScope(r.taskId) && !res.started.some((s) => s.taskId === r.taskId));
  // No task at all (no plan, or one that does not parse): nothing can merge, and `start --wait && deploy` must not deploy.
  if (tasks.every((t) => t.removed) && res.started.length === 0 && running.length === 0 && res.skipped.length === 0) {
    const why = `nothing to run: ${noTasksHint(status)}`;
    if (o.json) printJson(o.wait ? { ...res, verdict: { ok: false, left: [], lines: [why] } } : res);
    throw new CliError(why, Exit.input);
  }
  const invalid = status.lastSync && !status.lastSync.ok;
  if (invalid) process.stderr.write(`${errColor.yellow('warning:')} the plan is invalid (${plural(status.lastSync!.issues, 'problem')}); Orch runs the plan of the last sync that passed; \`orch sync\` lists the problems\n`);
  if (!o.json) {
    for (const w of res.warnings ?? []) process.stderr.write(`${errColor.yellow('warning:')} ${w}\n`);
    for (const s of res.started) out(`started ${bold(s.taskId)} (run ${s.runId})\n`);
    const byReason = new Map<string, string[]>();
    for (const s of res.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.taskId]);
    for (const [reason, ids] of byReason) out(`${yellow('not started now')}: ${ids.length > 2 ? `${plural(ids.length, 'task')} (${listOf(ids)})` : listOf(ids)}: ${reason}\n`);
    if (status.paused) out(`${yellow('Orch is paused')}: nothing starts until \`orch resume\`\n`);
    if (running.length > 0) out(`${listOf(running.map((r) => r.taskId))} already running; ${o.wait ? 'following them' : '`orch status` shows them'}\n`);
    if (batch.state !== 'active' && res.started.length === 0 && left.length === 0 && res.skipped.length === 0) {
      out(`nothing to do: ${scope.length === 0 ? 'no task in scope' : `${plural(scope.length, 'task')} in scope, all merged`}\n`);
    } else if (res.started.length === 0 && running.length === 0 && !status.paused && batch.state === 'active') {
      const waiting = left.filter((t) => t.waitingFor.length > 0);
      out(`nothing ready to start now${waiting.length ? `: ${plural(waiting.length, 'task')} wait for dependencies` : ''}\n`);
    }
    if (!o.wait && batch.state === 'active') {
      const queued = left.filter((t) => t.status === 'not_started' && !res.started.some((s) => s.taskId === t.id)).length;
      if (queued > 0) out(`${plural(queued, 'more task')} in scope start as they become ready, ${status.maxParallel} agents at a time\n`);
      out('follow with `orch status` or `orch logs <task> --follow`; `orch start --wait` waits for the end\n');
    }
  }
  if (!o.wait) {
    if (o.json) printJson(res);
    // Nothing started, nothing runs, nothing left queued, and tasks were turned away (a missing agent CLI, a budget):
    // only a person can move things on, so a script hears it.
    const refused = res.started.length === 0 && running.length === 0 && res.skipped.length > 0 && batch.state !== 'active';
    if (refused && !o.json) out('nothing was started: fix what is said above, then `orch start` again\n');
    return refused ? Exit.failed : Exit.ok;
  }
  // The exit code of a --wait is its answer: a reader closing the pipe does not change it.
  keepGoingWhenStdoutCloses();
  const followed = await followBatch(c, batch.id, {
    quiet: o.json,
    verbose: o.verbose,
    scope: inScope,
    total: left.length,
    announced: res.started.map((s) => s.taskId),
  });
  if (followed.end.kind === 'daemon') {
    if (o.json) printJson({ ...res, report: followed.report, verdict: { ok: false, left: [], lines: [followed.end.message] } });
    throw new CliError(followed.end.message, Exit.daemon);
  }
  // Runs this start joined (already running) belong to an earlier batch: what they did is part of this answer.
  const report = await withJoined(c, followed.report, running);
  const verdict = verdictOf(report, followed.tasks, followed.status);
  if (o.json) printJson({ ...res, report, verdict });
  else printVerdict(report, verdict);
  return verdict.ok ? Exit.ok : Exit.failed;
}

function printVerdict(r: BatchReport, v: Verdict): void {
  if (r.runs.length > 0) {
    const latest = new Map<string, BatchReport['runs'][number]>();
    for (const run of r.runs) latest.set(run.taskId, run);
    const rows = [[bold('TASK'), bold('RESULT'), bold('TIME'), bold('USAGE'), bold('MERGED AS / WHY')]];
    for (const run of latest.values()) {
      rows.push([
        run.taskId,
        run.state === 'done' ? green(run.mergeCommit ? 'merged' : 'done') : run.state === 'failed' ? red('failed') : run.state,
        duration(run.durationMs),
        tokens(run.usage),
        run.state === 'done' ? (run.mergeCommit ? `${run.mergeCommit.slice(0, 7)} on ${run.targetBranch}` : 'nothing to change') : (run.error ?? run.waitingReason ?? run.branch).split('\n')[0] ?? '',
      ]);
    }
    out(`${table(rows)}\n`);
  }
  const merged = r.merged.length;
  // A start that ran nothing has no counts to give ("0 merged, 0 failed" read as if work had been tried): what is
  // left, and why, follows.
  if (r.runs.length === 0 && merged === 0 && r.failed.length === 0 && r.needsHuman.length === 0) out('no task ran in this start\n');
  else out(`${merged} merged, ${r.failed.length} failed${r.needsHuman.length ? `, ${r.needsHuman.length} waiting for you` : ''}\n`);
  if (v.ok) {
    out(`${green('all merged')}${merged ? ` (${plural(merged, 'task')} in this run)` : ''}\n`);
    return;
  }
  out(`${v.lines.map((l, i) => (i === 0 ? red(l) : l)).join('\n')}\n`);
}

/** The report with the runs a start joined: each one's end (merged, failed), as `orch show` has it. */
async function withJoined(c: Client, r: BatchReport, joined: ReadonlyArray<{ id: string; taskId: string }>): Promise<BatchReport> {
  const own = new Set(r.runs.map((x) => x.id));
  const todo = joined.filter((j) => !own.has(j.id));
  if (todo.length === 0) return r;
  const infos = await Promise.all(todo.map((j) => c.get<{ runs: BatchReport['runs'] }>(`/api/task?id=${encodeURIComponent(j.taskId)}`).catch(() => undefined)));
  const runs = [...r.runs];
  const merged = [...r.merged];
  const failed = [...r.failed];
  todo.forEach((j, i) => {
    const run = infos[i]?.runs.find((x) => x.id === j.id);
    if (!run) return;
    runs.push(run);
    if (run.state === 'done' && !merged.includes(run.taskId)) merged.push(run.taskId);
    if ((run.state === 'failed' || run.state === 'stopped') && !failed.includes(run.taskId)) failed.push(run.taskId);
  });
  return { ...r, runs, merged, failed };
}
