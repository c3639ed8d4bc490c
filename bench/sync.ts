/**
 * Sync, `list --json` and `next` on a generated plan of 5,000 epics in 50 modules, through the real daemon's HTTP
 * API (real SQLite, real git repository). Targets: sync < 1 s, next < 100 ms. Prints times and peak memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePlan } from './gen-plan.js';
import { serve } from '../src/daemon/index.js';
import { connect } from '../src/client/index.js';
import { createPaths } from '../src/paths/index.js';

const modules = Number(process.argv[2] ?? 50);
const epics = Number(process.argv[3] ?? 100);
const base = mkdtempSync(join(tmpdir(), 'orch-bench-'));
const repo = join(base, 'repo');
const env = { ...process.env, XDG_STATE_HOME: join(base, 'state'), XDG_DATA_HOME: join(base, 'data'), XDG_CONFIG_HOME: join(base, 'config') };

let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  const gen = await generatePlan(repo, { modules, epicsPerModule: epics });
  const g = (...a: string[]) => execFileSync('git', a, { cwd: repo, env: { ...env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
  g('init', '-q', '-b', 'main');
  g('add', '-A');
  g('-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'plan');
  const daemon = await serve({ root: repo, env, log: () => undefined });
  const paths = createPaths(env).project(repo);
  const c = await connect({ root: repo, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, start: false });
  const results: Array<[string, number, string]> = [];
  // The daemon synced on boot (a cold sync that inserts everything); measure a re-sync and a sync after changes.
  const s1 = await time(() => c.post('/api/sync', {}) as Promise<{ tasks: number; durationMs: number }>);
  results.push(['sync (unchanged plan)', s1.ms, `${s1.value.tasks} tasks, parse+store ${s1.value.durationMs} ms in the daemon`]);
  for (let i = 0; i < 3; i++) {
    const l = await time(async () => JSON.stringify(await c.get('/api/tasks')));
    results.push([`list --json #${i + 1}`, l.ms, `${(l.value.length / 1e6).toFixed(1)} MB of JSON`]);
  }
  for (let i = 0; i < 3; i++) {
    const n = await time(async () => (await c.get('/api/next')) as unknown[]);
    results.push([`next #${i + 1}`, n.ms, `${n.value.length} ready`]);
  }
  await daemon.stop();
  // Cold: a fresh state dir, so every task is inserted.
  rmSync(join(base, 'state'), { recursive: true, force: true });
  const daemon2 = await serve({ root: repo, env, log: () => undefined });
  const c2 = await connect({ root: repo, daemonFile: paths.daemonFile, daemonLog: paths.daemonLog, start: false });
  const boot = (await c2.get('/api/status')) as { lastSync: unknown };
  const s2 = await time(() => c2.post('/api/sync', {}) as Promise<{ tasks: number; durationMs: number }>);
  results.push(['sync (second daemon)', s2.ms, `${s2.value.tasks} tasks; boot sync ${JSON.stringify(boot.lastSync)}`]);
  await daemon2.stop();
  clearInterval(sample);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`plan: ${gen.tasks} epics in ${gen.modules.length} modules (${gen.proseDeps} prose deps)\n`);
  for (const [name, ms, note] of results) process.stdout.write(`${name.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms   ${note}\n`);
  process.stdout.write(`peak RSS ${(Math.max(peakRss, maxRss) / 1e6).toFixed(0)} MB (daemon and client in one process)\n`);
  rmSync(base, { recursive: true, force: true });
}

await main();
