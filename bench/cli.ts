/**
 * The whole `orch` process as a user times it (issue 12), against floors measured in the same run: `node -e 0`
 * (start-up) and a Node process that reads every epic and splits its frontmatter (the work of a sync).
 * A plan of 2,000 epics in 50 modules by default.
 *
 *   node dist/bench/cli.js [modules=50] [epics-per-module=40] [--samples N]
 *
 * Targets: --version and --help <= 1.5x node; warm next/list/status --json <= 2x node; sync with nothing changed
 * <= 2x the read floor; the first command of a fresh project (starts the daemon, syncs, answers) < 1 s; `daemon
 * stop` with nothing running < 300 ms; the idle daemon < 80 MB. Exits 1 when one is missed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchProject, fixture, interleaved, orchBin, samples } from './lib/project.js';
import { finish, limitRow, ratioRow, row, stats, type Row } from './lib/result.js';

const args = process.argv.slice(2);
const flag = (name: string, d: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const modules = Number(positional[0] ?? 50);
const perModule = Number(positional[1] ?? 40);
const n = flag('--samples', 7);

const p = await benchProject(modules, perModule);
const node = (): number => time(process.execPath, ['-e', '0']);
const orch = (...a: string[]) => (): number => p.orch(...a).ms;
function time(cmd: string, a: string[]): number {
  const t0 = performance.now();
  const { status } = spawnSync(cmd, a, { cwd: p.repo, env: p.env, stdio: 'ignore' });
  if (status !== 0) throw new Error(`${cmd} ${a.join(' ')} exited ${status}`);
  return performance.now() - t0;
}
const rows: Row[] = [];
const notes: string[] = [`plan: ${p.plan.tasks} epics in ${p.plan.modules.length} modules, ${p.plan.files} markdown files`];
try {
  // Start-up.
  const s = interleaved(n, { node, version: orch('--version'), help: orch('--help') });
  const floor = row('node -e 0', 'ms', s.node!);
  rows.push(floor, ratioRow('orch --version', s.version!, floor, 1.5), ratioRow('orch --help', s.help!, floor, 1.5));

  // The first command of a fresh project: no daemon, no state; it starts the daemon, which syncs, then answers.
  const first = samples(Math.min(n, 5), () => {
    p.orch('daemon', 'stop');
    rmSync(join(p.stateDir, 'orch'), { recursive: true, force: true });
    return p.orch('next', '--json').ms;
  }, 0);
  // The absolute targets also get their ratio to the floor: on a loaded machine the floor itself can be 300 ms.
  const vsNode = (samples: number[]): string => `${(stats(samples).median / floor.median).toFixed(1)}x node -e 0`;
  rows.push(limitRow(`orch next --json, fresh project (start, sync ${p.plan.tasks}, answer)`, 'ms', first, 1000, { detail: vsNode(first) }));

  // Warm answers from a running daemon.
  p.orch('status');
  const w = interleaved(n, { node, next: orch('next', '--json'), list: orch('list', '--json'), status: orch('status', '--json') });
  const floor2 = row('node -e 0 (again, beside the warm answers)', 'ms', w.node!);
  rows.push(floor2, ratioRow('orch next --json (daemon running)', w.next!, floor2, 2), ratioRow('orch list --json', w.list!, floor2, 2), ratioRow('orch status --json', w.status!, floor2, 2));
  notes.push(`next answers ${JSON.parse(p.orch('next', '--json').stdout).length} ready tasks; list prints ${(p.orch('list', '--json').stdout.length / 1e6).toFixed(1)} MB of JSON`);

  // Sync with nothing changed, against Node reading the files.
  const y = interleaved(n, { floor: () => time(process.execPath, [fixture('read-floor.mjs'), p.repo]), sync: orch('sync') });
  const readFloor = row('node reads every epic, splits frontmatter', 'ms', y.floor!);
  rows.push(readFloor, ratioRow('orch sync (nothing changed)', y.sync!, readFloor, 2));

  // The idle daemon's memory with the plan loaded.
  const pid = p.daemonPid();
  const rss = pid ? Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024 : NaN;
  rows.push(limitRow(`idle daemon RSS, ${p.plan.tasks} tasks`, 'MB', [rss], 80));

  // Stop with nothing running.
  const stop = samples(Math.min(n, 5), () => {
    p.orch('status');
    return p.orch('daemon', 'stop').ms;
  }, 0);
  rows.push(limitRow('orch daemon stop (idle)', 'ms', stop, 300, { detail: vsNode(stop) }));
} finally {
  p.cleanup();
}

finish({ name: 'cli', title: `CLI as whole processes, N=${modules * perModule}`, command: `node dist/bench/cli.js ${modules} ${perModule}`, rows, notes: [...notes, `orch = node ${orchBin}`] });
