import { Option, type Command } from 'commander';
import { serve } from '../../daemon/index.js';
import { DaemonState, ShutdownResult, Status } from '../../api/index.js';
import { client, CliError, Exit, printJson, projectPaths, projectRoot, runningClient, type GlobalOptions } from '../context.js';
import { out } from '../io.js';
import { listOf } from '../format.js';

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Stops the daemon if one runs; the tasks whose agents it ended. */
async function stopDaemon(globals: GlobalOptions): Promise<{ pid: number; ended: string[] } | undefined> {
  const c = await runningClient(globals);
  if (!c) return undefined;
  const pid = c.info.pid;
  const r = await c.post('/api/shutdown', {}, ShutdownResult).catch(() => ({ ok: true as const, ended: [] as string[] }));
  const deadline = Date.now() + 15_000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  if (pidAlive(pid)) throw new CliError(`daemon pid ${pid} did not stop within 15 s; \`kill ${pid}\` ends it (its runs resume on the next start)`, Exit.daemon);
  return { pid, ended: r.ended };
}

const endedText = (ended: string[]): string =>
  ended.length === 0 ? 'no agent was running' : `ended the agents of ${listOf(ended)}; their work is kept and they resume on the next \`orch start\``;

export function registerDaemonCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('run the daemon in the foreground (HTTP API and event stream on 127.0.0.1)')
    .option('--port <port>', 'port (default: config daemon.port, 0 = any free port)', (v) => Number(v))
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .addOption(new Option('--root <dir>', 'project directory').hideHelp())
    .addOption(new Option('--background', 'started by another orch command').hideHelp())
    .addOption(new Option('--read-only', 'started by a read-only command: resume no agent until asked for work').hideHelp())
    .action(async (o: { port?: number; host?: string; root?: string; background?: boolean; readOnly?: boolean }) => {
      const root = projectRoot({ ...globals(), root: o.root ?? globals().root });
      const d = await serve({ root, port: o.port, host: o.host, readOnly: o.readOnly === true });
      if (!o.background) out(`serving on http://${o.host ?? '127.0.0.1'}:${d.port} (Ctrl+C stops)\n`);
      await d.stopped;
    });

  const daemon = program.command('daemon').description('the background daemon of this project');
  daemon
    .command('status')
    .description('is a daemon running, where, since when, and with what')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const c = await runningClient(globals());
      const paths = projectPaths(globals());
      if (!c) {
        if (o.json || globals().json) printJson({ running: false, stateDir: paths.stateDir });
        else out(`no daemon running for ${paths.root}; any orch command starts one (\`orch daemon start\`)\n`);
        process.exitCode = Exit.daemon;
        return;
      }
      const [s, d] = await Promise.all([c.get('/api/status', Status), c.get('/api/daemon', DaemonState)]);
      const res = { running: true, pid: s.daemon.pid, port: s.daemon.port, startedAt: s.daemon.startedAt, version: s.daemon.version, passive: d.passive, root: s.project.root, stateDir: paths.stateDir, log: paths.daemonLog };
      if (o.json || globals().json) printJson(res);
      else {
        out(`daemon pid ${res.pid} on 127.0.0.1:${res.port} since ${res.startedAt}${d.passive ? ' (started for a read-only command: unfinished runs resume on the next orch start)' : ''}\nstate: ${res.stateDir}\nlog: ${res.log}\n`);
      }
    });
  daemon
    .command('start')
    .description('start the daemon in the background (if none runs) with this shell environment and config')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const already = await runningClient(globals());
      const c = already ?? (await client(globals()));
      if (!already) await c.post('/api/activate', {});
      if (o.json || globals().json) printJson({ started: !already, pid: c.info.pid, port: c.info.port });
      else out(already ? `a daemon already runs (pid ${c.info.pid}); \`orch daemon restart\` starts it again with this environment\n` : `daemon started (pid ${c.info.pid}, port ${c.info.port})\n`);
    });
  daemon
    .command('restart')
    .description('stop the daemon (its agents are ended, their work kept) and start it with this shell environment and config')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const stopped = await stopDaemon(globals());
      const c = await client(globals());
      // The runs it ended continue now, with the new environment.
      await c.post('/api/activate', {});
      if (o.json || globals().json) return printJson({ stopped: stopped ?? null, pid: c.info.pid, port: c.info.port });
      if (stopped) out(`daemon pid ${stopped.pid} stopped (${stopped.ended.length ? `ended the agents of ${listOf(stopped.ended)}` : 'no agent was running'})\n`);
      out(`daemon started (pid ${c.info.pid}, port ${c.info.port})${stopped?.ended.length ? `; ${listOf(stopped.ended)} continue${stopped.ended.length === 1 ? 's' : ''}` : ''}\n`);
    });
  daemon
    .command('stop')
    .description('stop the daemon; running agents are ended (work kept) and resume on the next orch start')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await stopDaemon(globals());
      if (o.json || globals().json) return printJson(r ? { stopped: true, ...r } : { stopped: false, running: false });
      out(r ? `daemon pid ${r.pid} stopped; ${endedText(r.ended)}\n` : 'no daemon running\n');
    });
}
