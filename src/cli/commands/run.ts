import { BatchReport, LogEntry, Run, StartResponse, Task, type Event, type Status } from '../../api/index.js';
import { z } from 'zod';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, duration, green, red, statusMark, table, tokens, yellow } from '../format.js';

export async function start(globals: () => GlobalOptions, tasks: string[], o: { count?: number; module?: string; wait?: boolean; json?: boolean }): Promise<void> {
  const json = o.json || globals().json;
  const c = await client(globals());
  const res = await c.post('/api/start', { tasks, module: o.module, count: o.count }, StartResponse);
  const report = await followStart(c, res, { wait: o.wait === true, json: json === true });
  if (!report) return;
  const namedOk = tasks.length === 0 || report.merged.length >= new Set(res.batch.scope.tasks).size;
  process.exitCode = report.failed.length === 0 && report.needsHuman.length === 0 && namedOk && res.skipped.every((s) => !s.reason.startsWith('removed')) ? Exit.ok : Exit.failed;
}

export async function stop(globals: () => GlobalOptions, tasks: string[], o: { json?: boolean }): Promise<void> {
  const c = await client(globals(), false).catch(() => undefined);
  if (!c) {
    process.stdout.write('no daemon is running; nothing to stop\n');
    return;
  }
  const res = await c.post('/api/stop', { tasks }, z.object({ stopped: z.array(z.string()) }));
  if (o.json || globals().json) return printJson(res);
  process.stdout.write(res.stopped.length ? `stopped ${res.stopped.join(', ')}\n` : 'nothing was running\n');
}

export async function status(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const s = await c.get<Status>('/api/status');
  if (o.json || globals().json) return printJson(s);
  printStatus(s);
}

export async function show(globals: () => GlobalOptions, task: string, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  const info = await c.get(`/api/task?id=${encodeURIComponent(task)}`, z.object({ task: Task, runs: z.array(Run) }));
  if (o.json || globals().json) return printJson(info);
  const t = info.task;
  process.stdout.write(`${statusMark[t.status]} ${bold(t.id)} ${t.title}\n${t.file}\npriority ${t.priority}; depends on ${t.dependsOn.join(', ') || 'nothing'}${t.statusNote ? `\nnote: ${t.statusNote}` : ''}\n`);
  const rows = [[bold('RUN'), bold('STATE'), bold('TIME'), bold('USAGE'), bold('BRANCH / ERROR')]];
  for (const r of info.runs) rows.push([r.id, r.state, duration(r.durationMs), tokens(r.usage), r.error ?? r.branch]);
  if (info.runs.length) process.stdout.write(`${table(rows)}\n`);
  for (const v of info.runs[0]?.verification ?? []) {
    process.stdout.write(`${v.kind}: ${v.ok ? 'passed' : v.timedOut ? 'timed out' : 'failed'} in ${(v.durationMs / 1000).toFixed(1)} s (${v.command})\n`);
  }
}

export async function logs(globals: () => GlobalOptions, task: string, o: { follow?: boolean; run?: string; json?: boolean }): Promise<void> {
  const c = await client(globals());
  const info = await c.get(`/api/task?id=${encodeURIComponent(task)}`, z.object({ task: z.unknown(), runs: z.array(z.object({ id: z.string() }).passthrough()) }));
  const runId = o.run ?? info.runs[0]?.id;
  if (!runId) throw new CliError(`${task} has not run yet; \`orch start ${task}\` starts it`, Exit.input);
  for await (const line of c.log(runId, o.follow === true)) {
    if (!line.trim()) continue;
    if (o.json || globals().json) {
      process.stdout.write(`${line}\n`);
      continue;
    }
    const e = LogEntry.safeParse(JSON.parse(line));
    if (e.success) process.stdout.write(`${render(e.data)}\n`);
  }
}

/** Prints what a start began and, with `wait`, follows the batch to its end; the report when it waited. */
export async function followStart(c: Awaited<ReturnType<typeof client>>, res: StartResponse, o: { wait: boolean; json: boolean }): Promise<BatchReport | undefined> {
  if (!o.json) {
    for (const s of res.started) process.stdout.write(`started ${s.taskId} (run ${s.runId})\n`);
    for (const s of res.skipped) process.stdout.write(`${yellow('not started now')} ${s.taskId}: ${s.reason}\n`);
    if (res.started.length === 0 && res.batch.state === 'active') process.stdout.write('nothing ready to start right now; the batch starts tasks as they become ready\n');
    if (res.batch.state !== 'active') process.stdout.write('nothing to do\n');
  }
  if (!o.wait) {
    if (o.json) printJson(res);
    return undefined;
  }
  const report = await waitForBatch(c, res.batch.id, o.json);
  if (o.json) printJson({ ...res, report });
  else printReport(report);
  return report;
}

/** Follows the event stream until the batch is finished; prints progress unless quiet. */
async function waitForBatch(c: Awaited<ReturnType<typeof client>>, batchId: string, quiet: boolean): Promise<BatchReport> {
  const abort = new AbortController();
  const onSigint = (): void => {
    abort.abort();
    process.stderr.write(`\ndetached; the daemon keeps working (orch status, orch stop)\n`);
    process.exit(Exit.interrupted);
  };
  process.once('SIGINT', onSigint);
  let poll: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    let idleChecks = 0;
    const check = async (): Promise<void> => {
      const r = await c.get(`/api/batches/${batchId}`, BatchReport);
      // Only people can move it on: stop waiting once that holds on two checks in a row.
      idleChecks = !r.busy && r.needsHuman.length > 0 ? idleChecks + 1 : 0;
      if (r.done || idleChecks >= 2) resolve();
    };
    poll = setInterval(() => void check().catch(() => undefined), 3000);
    void c
      .events(
        (e: Event) => {
          if (!quiet) printEvent(e);
          if (e.type === 'batch.finished' && e.data.batchId === batchId) resolve();
          if (e.type === 'run.state' || e.type === 'batch.finished') void check().catch(() => undefined);
        },
        // Progress needs states, not every line the agents print.
        { signal: abort.signal, output: false },
      )
      .catch((e: unknown) => process.stderr.write(`event stream ended: ${(e as Error).message}\n`));
    void check().catch(() => undefined);
  });
  await done;
  clearInterval(poll);
  abort.abort();
  process.off('SIGINT', onSigint);
  return c.get(`/api/batches/${batchId}`, BatchReport);
}

function printEvent(e: Event): void {
  const t = e.ts.slice(11, 19);
  if (e.type === 'run.state') {
    const to = e.data.to;
    const color = to === 'done' ? green : to === 'failed' ? red : (s: string) => s;
    process.stdout.write(`${dim(t)} ${e.taskId ?? ''} ${dim(e.data.from)} -> ${color(to)}${e.data.error ? ` ${red(e.data.error)}` : ''}\n`);
  } else if (e.type === 'run.waiting' && 'reason' in e.data) {
    process.stdout.write(`${dim(t)} ${e.taskId ?? ''} ${yellow(e.data.reason)}\n`);
  }
}

function printReport(r: BatchReport): void {
  const rows = [[bold('TASK'), bold('RESULT'), bold('TIME'), bold('USAGE'), bold('BRANCH / ERROR')]];
  for (const run of r.runs) {
    rows.push([
      run.taskId,
      run.state === 'done' ? green('merged') : run.state === 'failed' ? red('failed') : run.state,
      duration(run.durationMs),
      tokens(run.usage),
      run.state === 'done' ? `${run.mergeCommit?.slice(0, 10) ?? ''} on ${run.targetBranch}` : (run.error ?? run.branch),
    ]);
  }
  process.stdout.write(`${table(rows)}\n${r.merged.length} merged, ${r.failed.length} failed${r.needsHuman.length ? `, ${r.needsHuman.length} waiting for you` : ''}\n`);
  for (const h of r.needsHuman) process.stdout.write(`${yellow('waiting')} ${h.taskId}: ${h.reason}\n`);
}

function printStatus(s: Status): void {
  const c = s.counts;
  process.stdout.write(
    `${bold('Orch')} ${s.project.root} -> ${s.project.targetBranch}  (daemon pid ${s.daemon.pid}, port ${s.daemon.port})\n` +
      `tasks: ${statusMark.complete} ${c.complete} complete  ${statusMark.in_progress} ${c.in_progress} in progress  ${statusMark.not_started} ${c.not_started} not started (${s.ready} ready)  ${statusMark.failed} ${c.failed} failed\n` +
      `agents: ${s.active.length}/${s.maxParallel}   total usage: ${tokens(s.totals)}${s.paused ? `   ${yellow('PAUSED')} (orch resume)` : ''}\n`,
  );
  if (s.lastSync && !s.lastSync.ok) process.stdout.write(red(`the plan is invalid (${s.lastSync.issues} problems): run orch sync to see them\n`));
  if (s.active.length) {
    const rows = [[bold('TASK'), bold('STATE'), bold('ELAPSED'), bold('USAGE'), bold('BRANCH')]];
    for (const r of s.active) rows.push([r.taskId, r.state, duration(r.durationMs), tokens(r.usage), r.branch]);
    process.stdout.write(`${table(rows)}\n`);
  }
  for (const w of s.waiting) process.stdout.write(`${yellow('waiting')} ${w.taskId}: ${w.reason}\n`);
}

function render(e: LogEntry): string {
  const t = dim(e.t.slice(11, 19));
  if (e.s === 'orch') return `${t} ${bold('orch')} ${e.l}`;
  if (e.s === 'err') return `${t} ${dim(e.l)}`;
  try {
    const j = JSON.parse(e.l) as { type?: string; subtype?: string; message?: { content?: Array<Record<string, unknown>> }; result?: string; is_error?: boolean };
    if (j.type === 'assistant') {
      return (j.message?.content ?? [])
        .map((b) => (b.type === 'text' ? `${t} ${String(b.text)}` : b.type === 'tool_use' ? `${t} ${yellow(`→ ${String(b.name)}`)} ${JSON.stringify(b.input).slice(0, 160)}` : ''))
        .filter(Boolean)
        .join('\n');
    }
    if (j.type === 'user') return `${t} ${dim('← tool result')}`;
    if (j.type === 'result') return `${t} ${j.is_error ? red('result (error)') : green('result')} ${j.result ?? ''}`;
    if (j.type === 'system') return `${t} ${dim(`system ${j.subtype ?? ''}`)}`;
    return `${t} ${dim(e.l.slice(0, 200))}`;
  } catch {
    return `${t} ${e.l}`;
  }
}

