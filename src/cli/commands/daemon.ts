import type { DaemonState, ShutdownResult, Status } from '../../api/index.js';
// PERF: the process probe alone, not the agents module (index.ts loads every backend).
import { isAlive as pidAlive } from '../../agents/group.js';
import { client, CliError, Exit, printJson, projectPaths, projectRoot, runningClient, type GlobalOptions } from '../context.js';
import { listOf } from '../format.js';
import { out } from '../io.js';

export async function serveForeground(globals: () => GlobalOptions, o: { port?: number; host?: string; root?: string; background?: boolean }): Promise<void> {
  const root = projectRoot({ ...globals(), root: o.root ?? globals().root });
  const { serve } = await import('../../daemon/index.js');
  const d = await serve({ root, port: o.port, host: o.host });
  if (!o.background) out(`serving on ${d.url} (Ctrl+C stops)\n`);
  await d.stopped;
}

export async function daemonStatus(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const c = await runningClient(globals());
  const paths = projectPaths(globals());
  if (!c) {
    if (o.json || globals().json) printJson({ running: false, stateDir: paths.stateDir });
    else out(`no daemon running for ${paths.root}; any orch command starts one (\`orch daemon start\`)\n`);
    process.exitCode = Exit.daemon;
    return;
  }
  const [s, d] = await Promise.all([c.get<Status>('/api/status'), c.get<DaemonState>('/api/daemon')]);
  const sched = await c.get<{ batches: Array<{ name: string; next: string | null }> }>('/api/schedule').catch(() => ({ batches: [] }));
  const next = sched.batches.filter((b) => b.next).sort((a, b) => String(a.next).localeCompare(String(b.next)))[0];
  const nextBatch = next ? { name: next.name, at: next.next } : null;
  const res = { running: true, pid: s.daemon.pid, port: s.daemon.port, startedAt: s.daemon.startedAt, version: s.daemon.version, passive: d.passive, root: s.project.root, stateDir: paths.stateDir, log: paths.daemonLog, nextBatch };
  if (o.json || globals().json) printJson(res);
  else {
    const passive = d.passive ? ' (started for a read-only command: unfinished runs resume on the next orch start)' : '';
    out(`daemon pid ${res.pid} on 127.0.0.1:${res.port} since ${res.startedAt}${passive}\nstate: ${res.stateDir}\nlog: ${res.log}\nnext batch: ${nextBatch ? `${nextBatch.name} at ${nextBatch.at}` : 'none scheduled'}\n`);
  }
}

/** Stops the daemon if one runs: its pid and the tasks whose agents it ended. */
async function stopDaemon(globals: GlobalOptions): Promise<{ pid: number; ended: string[] } | undefined> {
  const c = await runningClient(globals);
  if (!c) return undefined;
  const pid = c.info.pid;
  const r = await c.post<ShutdownResult>('/api/shutdown', {}).catch(() => ({ ok: true as const, ended: [] as string[] }));
  const deadline = Date.now() + 15_000;
  const live = liveLine(globals.json ? undefined : process.stderr);
  let nextLook = Date.now() + 200;
  while (pidAlive(pid) && Date.now() < deadline) {
    // Nothing to say for a quick stop; past 200 ms, say what the daemon waits for (its agents' graceful end).
    if (Date.now() >= nextLook) {
      nextLook = Date.now() + 250;
      const s = await c.get<Status>('/api/status').catch(() => undefined);
      const agents = s?.active.map((run) => run.taskId) ?? [];
      live.show(agents.length > 0 ? `stopping: waiting for ${agents.length} agent${agents.length === 1 ? '' : 's'} to end gracefully (${listOf(agents)})` : 'stopping: writing state');
    }
    await new Promise((res) => setTimeout(res, 10));
  }
  live.done();
  if (pidAlive(pid)) throw new CliError(`daemon pid ${pid} did not stop within 15 s; \`kill ${pid}\` ends it (its runs resume on the next start)`, Exit.daemon);
  return { pid, ended: r.ended ?? [] };
}

export async function daemonStop(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const r = await stopDaemon(globals());
  if (o.json || globals().json) return printJson(r ? { stopped: true, ...r } : { stopped: false, running: false });
  if (!r) return void out('no daemon running\n');
  const ended = r.ended.length === 0 ? 'no agent was running' : `ended the agents of ${listOf(r.ended)}; their work is kept and they resume on the next \`orch start\``;
  out(`daemon pid ${r.pid} stopped; ${ended}\n`);
}

export async function daemonStart(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const already = await runningClient(globals());
  const c = already ?? (await client(globals()));
  if (!already) await c.post('/api/activate', {});
  if (o.json || globals().json) return printJson({ started: !already, pid: c.info.pid, port: c.info.port });
  out(already ? `a daemon already runs (pid ${c.info.pid}); \`orch daemon restart\` starts it again with this environment\n` : `daemon started (pid ${c.info.pid}, port ${c.info.port})\n`);
}

export async function daemonRestart(globals: () => GlobalOptions, o: { json?: boolean }): Promise<void> {
  const stopped = await stopDaemon(globals());
  const c = await client(globals());
  // The runs it ended continue now, with the new environment.
  await c.post('/api/activate', {});
  if (o.json || globals().json) return printJson({ stopped: stopped ?? null, pid: c.info.pid, port: c.info.port });
  if (stopped) out(`daemon pid ${stopped.pid} stopped (${stopped.ended.length ? `ended the agents of ${listOf(stopped.ended)}` : 'no agent was running'})\n`);
  const cont = stopped?.ended.length ? `; ${listOf(stopped.ended)} continue${stopped.ended.length === 1 ? 's' : ''}` : '';
  out(`daemon started (pid ${c.info.pid}, port ${c.info.port}) with this shell's environment and config${cont}\n`);
}

/** One line rewritten in place on a terminal, each new text on its own line otherwise; nothing when `to` is undefined. */
function liveLine(to: NodeJS.WriteStream | undefined): { show: (text: string) => void; done: () => void } {
  let last = '';
  return {
    show(text) {
      if (!to || text === last) return;
      if (to.isTTY) to.write(`\r\u001b[2K${text}`);
      else to.write(`${text}\n`);
      last = text;
    },
    done() {
      if (to?.isTTY && last) to.write('\n');
    },
  };
}
