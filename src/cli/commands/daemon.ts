import type { Status } from '../../api/index.js';
// PERF: the process probe alone, not the agents module (index.ts loads every backend).
import { isAlive as pidAlive } from '../../agents/group.js';
import { CliError, Exit, printJson, projectPaths, projectRoot, runningClient, type GlobalOptions } from '../context.js';

export async function serveForeground(globals: () => GlobalOptions, o: { port?: number; host?: string; root?: string; background?: boolean }): Promise<void> {
  const root = projectRoot({ ...globals(), root: o.root ?? globals().root });
  const { serve } = await import('../../daemon/index.js');
  const d = await serve({ root, port: o.port, host: o.host });
  if (!o.background) process.stdout.write(`serving on ${d.url} (Ctrl+C stops)\n`);
  await d.stopped;
}

export async function daemonStatus(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await runningClient(globals());
  const paths = projectPaths(globals());
  if (!c) {
    if (o.json || globals().json) printJson({ running: false, stateDir: paths.stateDir });
    else process.stdout.write(`no daemon running for ${paths.root}\n`);
    process.exitCode = Exit.daemon;
    return;
  }
  const s = await c.get<Status>('/api/status');
  const sched = await c.get<{ batches: Array<{ name: string; next: string | null }> }>('/api/schedule').catch(() => ({ batches: [] }));
  const next = sched.batches.filter((b) => b.next).sort((a, b) => String(a.next).localeCompare(String(b.next)))[0];
  const nextBatch = next ? { name: next.name, at: next.next } : null;
  const out = { running: true, pid: s.daemon.pid, port: s.daemon.port, startedAt: s.daemon.startedAt, version: s.daemon.version, root: s.project.root, stateDir: paths.stateDir, log: paths.daemonLog, nextBatch };
  if (o.json || globals().json) printJson(out);
  else process.stdout.write(`daemon pid ${out.pid} on 127.0.0.1:${out.port} since ${out.startedAt}\nstate: ${out.stateDir}\nlog: ${out.log}\nnext batch: ${nextBatch ? `${nextBatch.name} at ${nextBatch.at}` : 'none scheduled'}\n`);
}

export async function daemonStop(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await runningClient(globals());
  if (!c) {
    if (o.json || globals().json) printJson({ stopped: false, running: false });
    else process.stdout.write('no daemon running\n');
    return;
  }
  const pid = c.info.pid;
  await c.post('/api/shutdown', {});
  const deadline = Date.now() + 10_000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (pidAlive(pid)) throw new CliError(`daemon pid ${pid} did not stop within 10 s`, Exit.daemon);
  if (o.json || globals().json) printJson({ stopped: true, pid });
  else process.stdout.write(`daemon pid ${pid} stopped\n`);
}
