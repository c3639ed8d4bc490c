/**
 * Ingest: N concurrent fake agents (bench/fixtures/flood-agent.mjs) each print MB megabytes of Claude stream-json as
 * fast as they can, all at once (each waits after its init line until every agent has started; `--staggered`
 * lets each flood as soon as it starts), through the real daemon (in this process) started over its HTTP API. Target from issue 3: the
 * daemon stays under 300 MB and keeps up with the output. Prints throughput, the daemon's CPU, peak RSS, event-loop
 * delay, and each agent's own time to print compared with a run of the same agents into /dev/null.
 *
 * `--events` adds a client in its own process that follows the event stream with every agent's output. Exits 1 unless the daemon stayed
 * under 300 MB, the run logs hold every byte printed and every task merged.
 *
 *   node dist/bench/ingest.js [agents=50] [mb=5] [--staggered] [--events]
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generatePlan } from './gen-plan.js';
import { serve } from '../src/daemon/index.js';
import { connect } from '../src/client/index.js';
import { createPaths } from '../src/paths/index.js';
import type { BatchReport, StartResponse } from '../src/api/index.js';
import { finish, limitRow, row as resultRow } from './lib/result.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const agents = Number(positional[0] ?? 50);
const mb = Number(positional[1] ?? 5);
const barrier = !process.argv.includes('--staggered');
/** Also follow /api/events with every run.output event, as a UI would (bench/fixtures/follow-events.mjs). */
const follow = process.argv.includes('--events');
const floodAgent = fileURLToPath(new URL('../../bench/fixtures/flood-agent.mjs', import.meta.url));
const followEvents = fileURLToPath(new URL('../../bench/fixtures/follow-events.mjs', import.meta.url));
const CLK_TCK = 100;
const MiB = 1024 * 1024;
/** Issue 3: the daemon stays under 300 MB; issue 12: with a margin of at least 25% (at most 225 MB). */
const TARGET_RSS = 225e6;

interface AgentReport {
  pid: number;
  bytes: number;
  lines: number;
  maxLine: number;
  printStart: number;
  printEnd: number;
  printMs: number;
  cpuMs: number;
}

const base = mkdtempSync(join(tmpdir(), 'orch-ingest-'));
const repo = join(base, 'repo');
const reportDaemon = join(base, 'report-daemon');
const reportDevNull = join(base, 'report-devnull');
for (const d of [repo, reportDaemon, reportDevNull]) mkdirSync(d, { recursive: true });
const identity = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
// The daemon's git runs with process.env; give it an identity so merges do not depend on the machine's config.
Object.assign(process.env, identity);
const env = {
  ...process.env,
  XDG_STATE_HOME: join(base, 'state'),
  XDG_DATA_HOME: join(base, 'data'),
  XDG_CONFIG_HOME: join(base, 'config'),
  FLOOD_MB: String(mb),
  FLOOD_REPORT_DIR: reportDaemon,
  FLOOD_BARRIER: barrier ? '1' : '0',
};

/** cutime + cstime of this process (waited-for children: agents and git), in ms. */
const childrenCpuMs = (): number => {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / CLK_TCK;
};

const readReports = (dir: string): AgentReport[] =>
  readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as AgentReport);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** Once every agent has printed its init line and waits at the barrier, lets them all flood. Returns when. */
async function release(dir: string): Promise<number> {
  const deadline = Date.now() + 180_000;
  while (barrier && readdirSync(dir).filter((f) => f.endsWith('.ready')).length < agents) {
    // An agent that cannot start (or cannot write its report) would hold the barrier for ever.
    if (Date.now() > deadline) throw new Error(`only ${readdirSync(dir).filter((f) => f.endsWith('.ready')).length} of ${agents} agents reached the start line in 180 s; see the run logs under ${base}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  writeFileSync(join(dir, 'go'), '');
  return Date.now();
}

/** The same agents, all at once, printing into /dev/null: how fast they print when nothing holds them up. */
async function unconstrained(): Promise<AgentReport[]> {
  const cwd = join(base, 'devnull-cwd');
  mkdirSync(cwd, { recursive: true });
  const fd = openSync('/dev/null', 'w');
  const exits = Array.from({ length: agents }, () => {
    const child = spawn(floodAgent, ['-p', 'flood'], { cwd, env: { ...env, FLOOD_REPORT_DIR: reportDevNull }, stdio: ['ignore', fd, 'inherit'] });
    return new Promise<void>((resolve) => child.once('exit', () => resolve()));
  });
  await release(reportDevNull);
  await Promise.all(exits);
  closeSync(fd);
  return readReports(reportDevNull);
}

async function main(): Promise<number> {
  chmodSync(floodAgent, 0o755);
  await generatePlan(repo, { modules: agents, epicsPerModule: 1, crossDepsEvery: 0, frontmatterEvery: 0 });
  // The user's config (a project's own config may not name the agent command until trusted).
  mkdirSync(join(base, 'config', 'orch'), { recursive: true });
  writeFileSync(
    join(base, 'config', 'orch', 'config.toml'),
    // The agents write their reports outside their worktrees: the sandbox must let them (it hides /tmp otherwise).
    `max_parallel_agents = ${agents}\n\n[agent]\ncommand = ${JSON.stringify(floodAgent)}\npass_env = ["FLOOD_*"]\n\n[sandbox]\nwritable = [${JSON.stringify(reportDaemon)}]\n`,
  );
  const g = (...a: string[]) => execFileSync('git', a, { cwd: repo, env });
  g('init', '-q', '-b', 'main');
  g('add', '-A');
  g('-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'plan');

  const free = await unconstrained();

  const daemon = await serve({ root: repo, env, log: () => undefined });
  const paths = createPaths(env).project(repo);
  const c = await connect({ root: repo, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, start: false });
  const followReport = join(base, 'follow.json');
  const follower = follow ? spawn(process.execPath, [followEvents, repo, paths.daemonFile, followReport], { stdio: 'inherit' }) : undefined;
  const followerExit = follower ? new Promise((r) => follower.once('exit', r)) : undefined;

  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let atPeak = process.memoryUsage();
  // Every 10 ms: peak RSS; every sample also goes to a timeline so CPU and RSS can be read for the flood window alone.
  const timeline: Array<{ t: number; cpuUs: number; rss: number }> = [];
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    const rss = m.rss;
    if (rss > peakRss) atPeak = m;
    peakRss = Math.max(peakRss, rss);
    const u = process.cpuUsage();
    timeline.push({ t: Date.now(), cpuUs: u.user + u.system, rss });
  }, 10);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpu0 = process.cpuUsage();
  const children0 = childrenCpuMs();
  const t0 = Date.now();

  const start = (await c.post('/api/start', {})) as StartResponse;
  if (start.started.length !== agents) throw new Error(`expected ${agents} runs to start, got ${start.started.length} (skipped: ${JSON.stringify(start.skipped)})`);
  const released = release(reportDaemon);
  let report: BatchReport;
  for (;;) {
    report = (await c.get(`/api/batches/${start.batch.id}`)) as BatchReport;
    if (report.done) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const t1 = Date.now();
  const tGo = await released;
  const cpu = process.cpuUsage(cpu0);
  const childrenMs = childrenCpuMs() - children0;
  loopDelay.disable();
  clearInterval(sampler);
  follower?.kill('SIGTERM');
  await followerExit;
  await daemon.stop();
  const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

  const flood = readReports(reportDaemon);
  const bytes = flood.reduce((s, r) => s + r.bytes, 0);
  const lines = flood.reduce((s, r) => s + r.lines, 0);
  const firstPrint = Math.min(...flood.map((r) => r.printStart));
  const lastPrint = Math.max(...flood.map((r) => r.printEnd));
  const window = (lastPrint - firstPrint) / 1000;
  const freeWindow = (Math.max(...free.map((r) => r.printEnd)) - Math.min(...free.map((r) => r.printStart))) / 1000;
  const agentCpu = flood.reduce((s, r) => s + r.cpuMs, 0);
  const inWindow = timeline.filter((x) => x.t >= firstPrint && x.t <= lastPrint);
  const windowCpuS = inWindow.length < 2 ? 0 : ((inWindow.at(-1)?.cpuUs ?? 0) - (inWindow[0]?.cpuUs ?? 0)) / 1e6;
  const windowRss = Math.max(0, ...inWindow.map((x) => x.rss));
  const afterRss = Math.max(0, ...timeline.filter((x) => x.t > lastPrint).map((x) => x.rss));

  // What the daemon actually took in: the stdout lines in its run logs.
  let seenBytes = 0;
  for (const f of readdirSync(paths.logsDir)) {
    for (const l of readFileSync(join(paths.logsDir, f), 'utf8').split('\n')) {
      if (!l) continue;
      // Run logs are `time<TAB>stream<TAB>line`.
      const a = l.indexOf('\t');
      const b = l.indexOf('\t', a + 1);
      const e = { s: l.slice(a + 1, b), l: l.slice(b + 1) };
      if (e.s === 'out') seenBytes += Buffer.byteLength(e.l) + 1;
    }
  }

  const daemonCpuS = (cpu.user + cpu.system) / 1e6;
  const row = (k: string, v: string): void => void process.stdout.write(`${k.padEnd(38)} ${v}\n`);
  const ms = (xs: number[]): string => `median ${pct(xs, 50)} ms, p95 ${pct(xs, 95)} ms, max ${Math.max(...xs)} ms`;
  process.stdout.write(`\ningest: ${agents} agents x ${mb} MB of stream-json, ${lines} lines (largest ${(Math.max(...flood.map((r) => r.maxLine)) / 1024).toFixed(0)} KB)\n\n`);
  row('bytes printed by agents', `${(bytes / MiB).toFixed(1)} MiB`);
  row('bytes of stdout in the run logs', `${(seenBytes / MiB).toFixed(1)} MiB${seenBytes >= bytes ? '' : '  (LESS than printed)'}`);
  row('batch wall time (start -> done)', `${((t1 - t0) / 1000).toFixed(2)} s`);
  row(barrier ? '  start -> all agents spawned' : '  start -> first agent printing', `${(((barrier ? tGo : firstPrint) - t0) / 1000).toFixed(2)} s`);
  row('  ingest window (first..last print)', `${window.toFixed(2)} s`);
  row('  last print -> batch done (merges)', `${((t1 - lastPrint) / 1000).toFixed(2)} s`);
  row('ingest throughput', `${(bytes / MiB / window).toFixed(1)} MiB/s (${Math.round(lines / window)} lines/s)`);
  row('same agents into /dev/null', `${(bytes / MiB / freeWindow).toFixed(1)} MiB/s (window ${freeWindow.toFixed(2)} s)`);
  row('daemon CPU (this process)', `${daemonCpuS.toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, sys ${(cpu.system / 1e6).toFixed(2)}), ${(daemonCpuS / ((t1 - t0) / 1000) * 100).toFixed(0)}% of one core`);
  row('  during the ingest window', `${windowCpuS.toFixed(2)} s, ${((windowCpuS / window) * 100).toFixed(0)}% of one core`);
  row('daemon CPU per MiB ingested', `${((daemonCpuS * 1000) / (bytes / MiB)).toFixed(1)} ms (whole batch: spawns, ingest, merges)`);
  row('  during the ingest window', `${((windowCpuS * 1000) / (bytes / MiB)).toFixed(1)} ms per MiB`);
  row('children CPU (agents + git)', `${(childrenMs / 1000).toFixed(2)} s, of which agents ${(agentCpu / 1000).toFixed(2)} s`);
  const memoryOk = maxRss < TARGET_RSS;
  row('daemon peak RSS', `${(maxRss / MiB).toFixed(0)} MiB = ${(maxRss / 1e6).toFixed(0)} MB: ${memoryOk ? 'PASS' : 'FAIL'} (target < 225 MB: 300 MB with a 25% margin)`);
  row('  at the peak', `heap used ${(atPeak.heapUsed / MiB).toFixed(0)} MiB, external ${(atPeak.external / MiB).toFixed(0)} MiB (buffers ${(atPeak.arrayBuffers / MiB).toFixed(0)}); before start ${(rssBefore / MiB).toFixed(0)} MiB`);
  row('  during the ingest window / after', `${(windowRss / MiB).toFixed(0)} MiB / ${(afterRss / MiB).toFixed(0)} MiB`);
  row('daemon event-loop delay', `p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
  row('agent time to print, via daemon', ms(flood.map((r) => r.printMs)));
  row('agent time to print, into /dev/null', ms(free.map((r) => r.printMs)));
  if (follow) {
    const seen = JSON.parse(readFileSync(followReport, 'utf8')) as { events: number; output: number };
    row('events received by the follower', `${seen.events}, of which run.output ${seen.output} (a slow follower misses some)`);
  }
  row('merged', `${report.merged.length}/${agents}${report.failed.length > 0 ? `, failed: ${report.failed.join(', ')}` : ''}`);
  const viaDaemon = pct(flood.map((r) => r.printMs), 50);
  const blocked = viaDaemon - pct(free.map((r) => r.printMs), 50);
  process.stdout.write(
    `\nAgents blocked on a full pipe: ${blocked > 50 ? 'yes' : 'no'}, about ${blocked} ms each (median, vs /dev/null; ` +
      `${viaDaemon > 0 ? Math.round((blocked / viaDaemon) * 100) : 0}% of their print time). The daemon drained ${(bytes / MiB / window).toFixed(1)} MiB/s ` +
      `from ${agents} agents at once, ${(bytes / MiB / window / agents * 1024).toFixed(0)} KiB/s per agent.\n`,
  );
  if (report.failed.length > 0) {
    for (const r of report.runs.filter((x) => x.state !== 'done')) process.stdout.write(`  ${r.taskId}: ${r.state} ${r.error ?? ''}\n`);
  }
  rmSync(base, { recursive: true, force: true });
  const lossless = seenBytes >= bytes;
  const merged = report.merged.length === agents;
  process.stdout.write(
    `\n${memoryOk && lossless && merged ? 'PASS' : 'FAIL'}: peak RSS ${(maxRss / 1e6).toFixed(0)} MB ${memoryOk ? '<' : '>='} 225 MB (300 MB less 25%), ` +
      `run logs ${lossless ? 'hold every byte printed' : 'LOST output'}, ${report.merged.length}/${agents} merged, ` +
      `${(bytes / MiB / window).toFixed(1)} MiB/s, daemon CPU ${((windowCpuS * 1000) / (bytes / MiB)).toFixed(1)} ms/MiB while ingesting\n`,
  );
  finish({
    name: 'ingest',
    title: `Ingest: ${agents} agents x ${mb} MB of stream-json at once`,
    command: `node dist/bench/ingest.js ${agents} ${mb}${barrier ? '' : ' --staggered'}${follow ? ' --events' : ''}`,
    rows: [
      limitRow('daemon peak RSS (300 MB less a 25% margin)', 'MB', [maxRss / 1e6], TARGET_RSS / 1e6, { detail: `${(((300e6 - maxRss) / 300e6) * 100).toFixed(0)}% under 300 MB` }),
      resultRow('event-loop delay p99 while ingesting', 'ms', [loopDelay.percentile(99) / 1e6]),
      resultRow('event-loop delay max', 'ms', [loopDelay.max / 1e6]),
      resultRow('ingest throughput', 'MB', [bytes / 1e6 / window], { detail: 'MB/s' }),
      { ...resultRow('run logs hold every byte printed', '%', [(seenBytes / bytes) * 100]), ok: lossless },
      { ...resultRow('merged', '%', [(report.merged.length / agents) * 100]), ok: merged },
    ],
    notes: [`${agents} agents (bench/fixtures/flood-agent.mjs), ${(bytes / MiB).toFixed(0)} MiB in ${lines} lines; the daemon runs in the benchmark's process`],
  });
  return memoryOk && lossless && merged ? 0 : 1;
}

process.exitCode = await main();
