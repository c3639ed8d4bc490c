import type { Status } from '../../api/index.js';
// PERF: the process probe alone, not the agents module (index.ts loads every backend).
import { isAlive as pidAlive } from '../../agents/group.js';
import { CliError, Exit, printJson, projectPaths, projectRoot, runningClient, type GlobalOptions } from '../context.js';

export async function serveForeground(globals: () => GlobalOptions, o: { port?: number; host?: string; root?: string; background?: boolean }): Promise<void> {
  const root = projectRoot({ ...globals(), root: o.root ?? globals().root });
  const { serve } = await import('../../daemon/index.js');
  const d = await serve({ root, port: o.port, host: o.host });
  if (!o.background) process.stdout.write(`serving on http://${o.host ?? '127.0.0.1'}:${d.port} (Ctrl+C stops)\n`);
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
  const out = { running: true, pid: s.daemon.pid, port: s.daemon.port, startedAt: s.daemon.startedAt, version: s.daemon.version, root: s.project.root, stateDir: paths.stateDir, log: paths.daemonLog };
  if (o.json || globals().json) printJson(out);
  else process.stdout.write(`daemon pid ${out.pid} on 127.0.0.1:${out.port} since ${out.startedAt}\nstate: ${out.stateDir}\nlog: ${out.log}\n`);
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
