import type { LogEntry, Run, Status, Task } from '../../api/index.js';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { bold, dim, duration, green, listOf, plural, red, statusMark, tokens, yellow } from '../format.js';
import { out } from '../io.js';
import { renderLogEntry } from '../render-log.js';
import { nextSteps } from '../next-step.js';

// PERF: no zod on these paths (status is a warm answer): the daemon's own answers are trusted (issue 12).
interface TaskInfo {
  task: Task;
  runs: Run[];
}

const isLogEntry = (v: unknown): v is LogEntry =>
  typeof v === 'object' && v !== null && typeof (v as LogEntry).t === 'string' && typeof (v as LogEntry).l === 'string' && ['out', 'err', 'orch'].includes((v as LogEntry).s);

export async function status(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await client(globals());
  // PERF: `--json` prints the status alone; only the text needs every task (issue 12: 2,000 tasks are 1 MB).
  if (o.json || globals().json) return printJson(await c.get<Status>('/api/status'));
  const [s, tasks] = await Promise.all([c.get<Status>('/api/status'), c.get<Task[]>('/api/tasks')]);
  await printStatus(s, tasks);
}

export async function show(globals: () => GlobalOptions, task: string, o: { json?: boolean }): Promise<void> {
  const c = await client(globals(), 'read');
  const info = await c.get<TaskInfo>(`/api/task?id=${encodeURIComponent(task)}`);
  if (o.json || globals().json) return printJson(info);
  await printShow(info);
}

export async function logs(globals: () => GlobalOptions, task: string, o: { follow?: boolean; run?: string; json?: boolean }): Promise<void> {
  const c = await client(globals(), 'read');
  const info = await c.get<{ task: { id: string }; runs: Array<{ id: string }> }>(`/api/task?id=${encodeURIComponent(task)}`);
  const runId = o.run ?? info.runs[0]?.id;
  if (!runId) throw new CliError(`${info.task.id} has not run yet; \`orch start ${info.task.id}\` starts it`, Exit.input);
  if (o.run && !info.runs.some((r) => r.id === o.run)) throw new CliError(`run ${o.run} is not a run of ${info.task.id}; its runs: ${info.runs.map((r) => r.id).join(', ')}`, Exit.input);
  for await (const line of c.log(runId, o.follow === true)) {
    if (!line.trim()) continue;
    if (o.json || globals().json) {
      out(`${line}\n`);
      continue;
    }
    const e: unknown = JSON.parse(line);
    if (isLogEntry(e)) out(`${renderLogEntry(e)}\n`);
  }
}

async function printShow(info: TaskInfo): Promise<void> {
  const { table } = await import('../table.js');
  const t = info.task;
  const lines = [`${statusMark[t.status]} ${bold(t.id)} ${t.title}${t.removed ? dim(' (removed from the plan)') : ''}`, dim(t.file)];
  if (t.description) lines.push('', t.description, '');
  const origin = (id: string): string => {
    const src = t.dependencySources?.filter((s) => s.id === id) ?? [];
    if (src.length === 0) return '';
    const how = src.map((s) => (s.kind === 'implicit' ? 'previous epic of the module' : s.kind === 'frontmatter' ? `depends_on, line ${s.line}` : `named in the text, line ${s.line}`));
    return ` ${dim(`(${how.join('; ')})`)}`;
  };
  lines.push(`priority ${t.priority}${t.agent ? `; agent ${t.agent}` : ''}${t.model ? `; model ${t.model}` : ''}`);
  if (t.dependsOn.length === 0) lines.push('depends on nothing');
  else {
    lines.push('depends on:');
    for (const d of t.dependsOn) lines.push(`  ${d}${t.waitingFor.includes(d) ? yellow(' (not merged yet)') : green(' (merged)')}${origin(d)}`);
  }
  if (t.statusNote) lines.push(`note: ${t.statusNote}`);
  const done = info.runs.find((r) => r.state === 'done' && r.mergeCommit);
  if (done?.mergeCommit) lines.push(`${green('merged')} as ${done.mergeCommit.slice(0, 7)} on ${done.targetBranch}${done.endedAt ? ` (${done.endedAt.slice(0, 16).replace('T', ' ')})` : ''}`);
  out(`${lines.join('\n')}\n`);
  if (info.runs.length) {
    const rows = [[bold('RUN'), bold('STATE'), bold('TIME'), bold('USAGE'), bold('MERGED AS / BRANCH / WHY')]];
    for (const r of info.runs) {
      const why = r.state === 'done' && r.mergeCommit ? `merged as ${r.mergeCommit.slice(0, 7)}` : (r.error ?? r.waitingReason ?? r.branch).split('\n')[0] ?? '';
      rows.push([r.id, r.state === 'failed' ? red(r.state) : r.state, duration(r.durationMs), tokens(r.usage), why]);
    }
    out(`\n${table(rows)}\n`);
  } else out(`not run yet${t.ready ? '; `orch start ' + t.id + '` starts it' : t.waitingFor.length ? `; waits for ${listOf(t.waitingFor)}` : ''}\n`);
  const wf = info.runs[0]?.workflow;
  if (wf) {
    out(`workflow: ${wf.spec}\n`);
    for (const st of wf.steps) {
      const status = st.status.replace('_', ' ');
      const color = st.status === 'flagged' || st.status === 'failed' || st.status === 'changes_requested' ? yellow : st.status === 'pending' || st.status === 'running' ? dim : green;
      const who = st.agent ? ` by ${st.agent}${st.model ? ` (${st.model})` : ''}` : '';
      const rounds = st.rounds ? `, ${plural(st.rounds, 'round')} back to the coder` : '';
      out(`  ${st.name}: ${color(status)}${who}${rounds}${st.summary ? ` — ${st.summary.split('\n')[0]}` : ''}\n`);
      for (const c of st.comments.slice(0, 5)) out(`    - ${c.split('\n')[0]}\n`);
    }
  }
  for (const v of info.runs[0]?.verification ?? []) {
    out(`${v.kind}: ${v.ok ? 'passed' : v.timedOut ? 'timed out' : 'failed'} in ${(v.durationMs / 1000).toFixed(1)} s (${v.command})\n`);
  }
  const last = info.runs[0];
  if (last?.state === 'failed') out(`next: \`orch logs ${t.id}\` shows what the agent did; \`orch start ${t.id}\` retries\n`);
}

/** The cluster in one line: where, how many workers of this daemon's version and how busy, or why it is unavailable. */
export function clusterLine(c: NonNullable<Status['cluster']>): string {
  if (!c.available) return `${red(`cluster unavailable: ${c.error ?? 'unknown'}`)}${dim(' (agents run on this machine meanwhile; `orch workers` when it is back)')}`;
  const ours = c.workers.filter((w) => c.protocol === undefined || w.protocol === c.protocol);
  const busy = ours.reduce((n, w) => n + w.running.length, 0);
  const slots = ours.reduce((n, w) => n + w.jobs, 0);
  const other = c.workers.length - ours.length;
  const workers = ours.length ? `${plural(ours.length, 'worker')}, ${busy}/${slots} slots busy` : 'no workers (agents run on this machine; `orch worker --redis URL --repo URL` starts one)';
  return `cluster: ${c.url} ${workers}${other ? red(`, ${plural(other, 'worker')} of another Orch version (\`orch workers\`)`) : ''}`;
}

async function printStatus(s: Status, tasks: Task[]): Promise<void> {
  const { table } = await import('../table.js');
  const c = s.counts;
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  out(
    `${bold('Orch')} ${s.project.root} -> ${s.project.targetBranch}  ${dim(`(daemon pid ${s.daemon.pid}, port ${s.daemon.port})`)}\n` +
      `tasks: ${plural(total, 'task')}: ${c.complete} merged, ${c.in_progress} in progress, ${c.not_started} not started (${s.ready} ready), ${c.failed} failed${c.needs_review ? `, ${c.needs_review} need review` : ''}\n` +
      `agents: ${s.active.filter((r) => r.state !== 'waiting').length}/${s.maxParallel}   total usage: ${tokens(s.totals)}${s.paused ? `   ${yellow('PAUSED')}` : ''}\n`,
  );
  if (s.cluster) out(`${clusterLine(s.cluster)}\n`);
  if (s.configError) out(red(`config not applied, the daemon keeps the one it had: ${s.configError}\n`));
  if (s.lastSync && !s.lastSync.ok) out(red(`the plan is invalid (${plural(s.lastSync.issues, 'problem')}): \`orch sync\` shows them\n`));
  if (s.active.length) {
    const rows = [[bold('TASK'), bold('STATE'), bold('ELAPSED'), bold('USAGE'), bold('NOW')]];
    for (const r of s.active) {
      const paused = r.state === 'waiting' && r.waitingReason?.startsWith('paused');
      rows.push([r.taskId, paused ? yellow('paused') : r.state, paused ? dim('stopped') : duration(r.durationMs), tokens(r.usage), (r.activity ?? r.waitingReason ?? r.branch).split('\n')[0] ?? '']);
    }
    out(`${table(rows)}\n`);
  }
  for (const w of s.waiting.filter((w) => w.runId === null)) out(`${yellow('not started')} ${w.taskId}: ${w.reason}\n`);
  const steps = nextSteps(s, tasks);
  out(`${steps.map((l) => `${dim('next:')} ${l}`).join('\n')}\n`);
}
