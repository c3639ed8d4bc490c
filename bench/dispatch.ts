/**
 * Dispatch cost (issue 12): 50 tasks, an instant fake agent (bench/fixtures/flood-agent.mjs with FLOOD_MB=0), a
 * 5,000-file repository, 3 and 10 agents at a time, through the real daemon (in this process, so its event loop can
 * be watched). For each run: from its start to the agent's process running, and from the agent's exit to the squash
 * commit on the target branch, against `git worktree add` + `git worktree remove` on the same repository in the same
 * run, and the daemon's event-loop delay meanwhile. A last pass with a timing `git` on PATH (10 at a time) gives the
 * share of each git step and the git processes per run; a pass with 50 at a time checks the event-loop delay while
 * 50 agents start.
 *
 *   node dist/bench/dispatch.js [tasks=50] [files=5000]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { generatePlan } from './gen-plan.js';
import { fixture, gitIdentity } from './lib/project.js';
import { finish, limitRow, ratioRow, row, stats, type Row } from './lib/result.js';
import { serve } from '../src/daemon/index.js';
import { connect } from '../src/client/index.js';
import { createPaths } from '../src/paths/index.js';
import type { BatchReport, StartResponse } from '../src/api/index.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const tasks = Number(positional[0] ?? 50);
const files = Number(positional[1] ?? 5000);
const agent = fixture('flood-agent.mjs');
chmodSync(agent, 0o755);
Object.assign(process.env, gitIdentity);
const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

interface Pass {
  toRunning: number[];
  toMerged: number[];
  /** Time spent in each run state (entered -> the next state entered), every run's, by state. */
  inState: Map<string, number[]>;
  wallMs: number;
  loop: { p99: number; max: number };
  git: Map<string, number[]>;
}

/** A fresh project: `files` source files, one epic per module so all `tasks` are ready at once. */
async function project(parallel: number, base: string): Promise<{ repo: string; env: NodeJS.ProcessEnv }> {
  const repo = join(base, 'repo');
  await generatePlan(repo, { modules: tasks, epicsPerModule: 1, crossDepsEvery: 0, frontmatterEvery: 0 });
  for (let d = 0; d < Math.ceil(files / 100); d++) {
    mkdirSync(join(repo, 'src', `pkg${d}`), { recursive: true });
    for (let f = 0; f < 100 && d * 100 + f < files; f++) writeFileSync(join(repo, 'src', `pkg${d}`, `file${f}.ts`), `export const v${f} = ${d * 100 + f};\n`);
  }
  // The user's config (a project's own config may not name the agent command until trusted).
  mkdirSync(join(base, 'config', 'orch'), { recursive: true });
  writeFileSync(join(base, 'config', 'orch', 'config.toml'), `max_parallel_agents = ${parallel}\n\n[agent]\ncommand = ${JSON.stringify(agent)}\npass_env = ["FLOOD_*"]\n`);
  const env = { ...process.env, XDG_STATE_HOME: join(base, 'state'), XDG_DATA_HOME: join(base, 'data'), XDG_CONFIG_HOME: join(base, 'config'), FLOOD_MB: '0' };
  const g = (...a: string[]) => execFileSync('git', a, { cwd: repo, env });
  g('init', '-q', '-b', 'main');
  g('add', '-A');
  g('-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'plan and sources');
  return { repo, env };
}

/** git worktree add + remove on `repo`, as separate processes: the floor of a dispatch. */
function worktreeFloor(repo: string, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n + 1; i++) {
    const wt = join(repo, '..', `floor-wt-${i}`);
    const t0 = performance.now();
    execFileSync('git', ['worktree', 'add', '-q', '-b', `floor-${i}`, wt], { cwd: repo, stdio: 'ignore' });
    execFileSync('git', ['worktree', 'remove', '--force', wt], { cwd: repo, stdio: 'ignore' });
    if (i > 0) out.push(performance.now() - t0);
  }
  return out;
}

async function pass(parallel: number, timing: boolean): Promise<Pass & { floor: number[] }> {
  const base = mkdtempSync(join(tmpdir(), 'orch-dispatch-'));
  const { repo, env } = await project(parallel, base);
  const floor = worktreeFloor(repo, 5);
  const gitLog = join(base, 'git-timing.log');
  const path0 = process.env.PATH;
  if (timing) {
    const shimDir = join(base, 'shim');
    mkdirSync(shimDir);
    const shim = join(shimDir, 'git');
    writeFileSync(shim, readFileSync(fixture('git-timing.sh'), 'utf8').replace('@REAL@', realGit).replace('@LOG@', gitLog));
    chmodSync(shim, 0o755);
    process.env.PATH = `${shimDir}:${path0 ?? ''}`;
  }
  const daemon = await serve({ root: repo, env: { ...env, PATH: process.env.PATH }, log: () => undefined });
  const paths = createPaths(env).project(repo);
  const c = await connect({ root: repo, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, start: false });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = performance.now();
  const start = (await c.post('/api/start', {})) as StartResponse;
  if (start.started.length !== Math.min(parallel, tasks)) throw new Error(`expected ${Math.min(parallel, tasks)} runs to start, got ${start.started.length} (skipped: ${JSON.stringify(start.skipped)})`);
  let report: BatchReport;
  for (;;) {
    report = (await c.get(`/api/batches/${start.batch.id}`)) as BatchReport;
    if (report.done) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const wallMs = performance.now() - t0;
  loop.disable();
  await daemon.stop();
  process.env.PATH = path0;
  if (report.merged.length !== tasks) throw new Error(`${report.merged.length}/${tasks} merged; failed: ${report.failed.join(', ')}`);

  // Each run's state changes, from the store: start -> running, agent_done -> merged (cleanup begins once the
  // squash commit is on the target branch).
  const db = new Database(paths.dbFile, { readonly: true });
  const states = db.prepare("SELECT ts, run_id AS runId, data FROM events WHERE type = 'run.state' ORDER BY seq").all() as Array<{ ts: string; runId: string; data: string }>;
  db.close();
  const at = new Map<string, Map<string, number>>();
  for (const s of states) {
    const to = (JSON.parse(s.data) as { to: string }).to;
    const m = at.get(s.runId) ?? new Map<string, number>();
    if (!m.has(to)) m.set(to, Date.parse(s.ts));
    at.set(s.runId, m);
  }
  const toRunning: number[] = [];
  const toMerged: number[] = [];
  const inState = new Map<string, number[]>();
  for (const m of at.values()) {
    const steps = [...m].sort((a, b) => a[1] - b[1]);
    for (let i = 0; i + 1 < steps.length; i++) inState.set(steps[i]![0], [...(inState.get(steps[i]![0]) ?? []), steps[i + 1]![1] - steps[i]![1]]);
  }
  for (const m of at.values()) {
    const begin = m.get('preparing');
    if (begin !== undefined && m.has('running')) toRunning.push(m.get('running')! - begin);
    if (m.has('agent_done') && m.has('cleanup')) toMerged.push(m.get('cleanup')! - m.get('agent_done')!);
  }
  const git = new Map<string, number[]>();
  if (timing && existsSync(gitLog)) {
    for (const l of readFileSync(gitLog, 'utf8').split('\n')) {
      const [sub, s, e] = l.split(' ');
      if (!sub || !s || !e) continue;
      const list = git.get(sub) ?? [];
      list.push((Number(e) - Number(s)) / 1e6);
      git.set(sub, list);
    }
  }
  rmSync(base, { recursive: true, force: true });
  return { toRunning, toMerged, inState, wallMs, loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 }, git, floor };
}

const rows: Row[] = [];
const notes: string[] = [`${tasks} tasks, ${files}-file repository, agent ${agent} with FLOOD_MB=0 (prints init and result, writes one file)`];
for (const parallel of [3, 10]) {
  const p = await pass(parallel, false);
  const floor = row(`git worktree add + remove (${parallel} at a time run)`, 'ms', p.floor);
  rows.push(
    floor,
    ratioRow(`${parallel} at a time: start -> agent running`, p.toRunning, floor, 1.5),
    ratioRow(`${parallel} at a time: agent exit -> squash commit on main`, p.toMerged, floor, 1.5),
    row(`${parallel} at a time: batch wall time`, 'ms', [p.wallMs], { detail: `${(p.wallMs / tasks).toFixed(0)} ms per task` }),
    row(`${parallel} at a time: event-loop delay p99`, 'ms', [p.loop.p99]),
    row(`${parallel} at a time: event-loop delay max`, 'ms', [p.loop.max]),
  );
  // The share of each step of a run: the time from entering a state to entering the next (preparing = worktree and
  // status commit, spawning = the agent's process, running = the agent, agent_done/committed/merging = squash,
  // merge-tree, commit-tree and advancing the target, cleanup = worktree removal).
  const sum = [...p.inState.values()].flat().reduce((a, b) => a + b, 0);
  for (const [state, ms] of [...p.inState].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0))) {
    rows.push(row(`${parallel} at a time: share of run time in ${state}`, '%', [(ms.reduce((a, b) => a + b, 0) / sum) * 100], { detail: `median ${stats(ms).median.toFixed(0)} ms, ${ms.length} runs` }));
  }
}

// 50 at a time: the event loop while every agent starts at once.
const burst = await pass(tasks, false);
rows.push(
  limitRow(`${tasks} at a time: event-loop delay p99`, 'ms', [burst.loop.p99], 50),
  limitRow(`${tasks} at a time: event-loop delay max`, 'ms', [burst.loop.max], 50),
);

// Where a dispatch spends its git time, 10 agents at a time (a timing `git` on PATH; it adds a few ms per call, so
// shares and counts, not totals).
const timedParallel = Math.min(10, tasks);
const timed = await pass(timedParallel, true);
const total = [...timed.git.values()].flat().reduce((a, b) => a + b, 0);
const shares = [...timed.git.entries()].map(([sub, ms]) => ({ sub, ms: ms.reduce((a, b) => a + b, 0), n: ms.length, median: stats(ms).median })).sort((a, b) => b.ms - a.ms);
for (const s of shares) rows.push(row(`git ${s.sub}: share of git time`, '%', [(s.ms / total) * 100], { detail: `${s.n} calls, median ${s.median.toFixed(1)} ms` }));
const calls = [...timed.git.values()].flat().length;
rows.push(row(`git processes per run (${timedParallel} at a time)`, 'calls', [calls / tasks], { detail: `${calls} in ${tasks} runs, ${(total / tasks).toFixed(0)} ms of git per run` }));
notes.push(`git time per task (timed pass, ${timedParallel} at a time): ${(total / tasks).toFixed(0)} ms in ${calls / tasks} git calls`);

finish({ name: 'dispatch', title: `Dispatch: ${tasks} tasks, ${files}-file repository`, command: `node dist/bench/dispatch.js ${tasks} ${files}`, rows, notes });
