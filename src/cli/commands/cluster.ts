import type { Command } from 'commander';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterStatus } from '../../api/cluster.js';
import { client, CliError, Exit, printJson, type GlobalOptions } from '../context.js';
import { dim, green, red } from '../format.js';

const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerClusterCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('worker')
    .description('take agent jobs from the cluster queue on this machine (BullMQ on Redis) until Ctrl+C')
    .option('--redis <url>', 'Redis URL (redis:// or rediss:// for TLS); default: $ORCH_REDIS_URL')
    .option('--jobs <n>', 'at most this many jobs at once, across every orchestrator served', '1')
    .option('--name <name>', 'worker name (default: host-pid)')
    .option('--labels <list>', 'labels jobs may require, comma-separated (e.g. gpu,big-ram)')
    .option('--agents <list>', 'agent CLIs this worker runs, comma-separated (default: every one found on PATH)')
    .option('--repo <url>', 'a repository URL this worker accepts jobs for (repeatable; required)', collect, [])
    .option('--dir <dir>', 'where the repository caches and job worktrees live')
    .addHelpText('after', '\nExamples:\n  orch worker --redis redis://queue:6379 --repo git@github.com:acme/app.git --jobs 2\n  ORCH_REDIS_URL=rediss://:secret@queue:6380 orch worker --repo git://coordinator:9418/srv/app --labels gpu\n\nExit codes: 0 stopped, 2 bad options.')
    .action(async (o: { redis?: string; jobs: string; name?: string; labels?: string; agents?: string; repo: string[]; dir?: string }) => {
      const { runWorkerCommand } = await import('./worker-run.js');
      await runWorkerCommand({
        redis: o.redis ?? process.env.ORCH_REDIS_URL ?? '',
        jobs: Number(o.jobs),
        name: o.name ?? `${hostname()}-${process.pid}`,
        labels: list(o.labels),
        agents: list(o.agents),
        repos: o.repo.map((r) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(r) || r.includes('@') ? r : resolve(r))),
        ...(o.dir ? { dir: resolve(o.dir) } : {}),
      });
    });

  program
    .command('workers')
    .description('the cluster: workers, their load and jobs, and whether Redis is reachable')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExit codes: 0 the cluster is reachable, 1 configured but unavailable, 2 no cluster configured, 3 no daemon.')
    .action(async (o: { json?: boolean }) => {
      const c = await client(globals());
      const s = await c.get('/api/workers', ClusterStatus);
      if (o.json || globals().json) printJson(s);
      else if (!s.url) process.stdout.write(`${s.error ?? 'no cluster configured'}\n`);
      else {
        process.stdout.write(`cluster ${s.url}: ${s.available ? green('available') : red(`unavailable: ${s.error ?? ''}`)}${s.available ? '' : dim(' (agents run on this machine meanwhile)')}\n`);
        process.stdout.write(`code from ${s.repoUrl}\n`);
        if (s.workers.length === 0 && s.available) process.stdout.write('no workers: start one with `orch worker --redis URL --repo URL`\n');
        for (const w of s.workers) {
          const agents = w.agents.map((a) => (a.version ? `${a.id} ${a.version}` : a.id)).join(', ');
          process.stdout.write(`${w.name} (${w.host}) ${w.running.length}/${w.jobs} busy  agents: ${agents || '-'}${w.labels.length ? `  labels: ${w.labels.join(',')}` : ''}\n`);
          for (const r of w.running) process.stdout.write(`  ${r.taskId ?? r.id}  since ${r.startedAt}\n`);
        }
      }
      process.exitCode = !s.url ? Exit.input : s.available ? Exit.ok : Exit.failed;
    });
}

export const workerDirFor = (dataDir: string, name: string): string => join(dataDir, 'worker', name.replace(/[^A-Za-z0-9_.-]/g, '_'));
export { CliError };
