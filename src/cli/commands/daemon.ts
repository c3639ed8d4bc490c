import type { Command } from 'commander';
import { serve } from '../../daemon/index.js';
import { pidAlive } from '../../daemon/index.js';
import { Status } from '../../api/index.js';
import { CliError, Exit, printJson, projectPaths, projectRoot, runningClient, type GlobalOptions } from '../context.js';

export function registerDaemonCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('run the daemon in the foreground (HTTP API and event stream on 127.0.0.1)')
    .option('--port <port>', 'port (default: config daemon.port, 0 = any free port)', (v) => Number(v))
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--root <dir>', 'project directory')
    .option('--background', 'started by another orch command (internal)')
    .action(async (o: { port?: number; host?: string; root?: string; background?: boolean }) => {
      const root = projectRoot({ ...globals(), root: o.root ?? globals().root });
      const d = await serve({ root, port: o.port, host: o.host });
      if (!o.background) process.stdout.write(`serving on ${d.url} (Ctrl+C stops)\n`);
      await d.stopped;
    });

  const daemon = program.command('daemon').description('the background daemon of this project');
  daemon
    .command('status')
    .description('is a daemon running, where, since when')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const c = await runningClient(globals());
      const paths = projectPaths(globals());
      if (!c) {
        if (o.json || globals().json) printJson({ running: false, stateDir: paths.stateDir });
        else process.stdout.write(`no daemon running for ${paths.root}\n`);
        process.exitCode = Exit.daemon;
        return;
      }
      const s = await c.get('/api/status', Status);
      const out = { running: true, pid: s.daemon.pid, port: s.daemon.port, startedAt: s.daemon.startedAt, version: s.daemon.version, root: s.project.root, stateDir: paths.stateDir, log: paths.daemonLog };
      if (o.json || globals().json) printJson(out);
      else process.stdout.write(`daemon pid ${out.pid} on 127.0.0.1:${out.port} since ${out.startedAt}\nstate: ${out.stateDir}\nlog: ${out.log}\n`);
    });
  daemon
    .command('stop')
    .description('stop the daemon; running agents are ended and resume on the next start')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const c = await runningClient(globals());
      if (!c) {
        if (o.json || globals().json) printJson({ stopped: false, running: false });
        else process.stdout.write('no daemon running\n');
        return;
      }
      const pid = c.info.pid;
      await c.post('/api/shutdown', {});
      const deadline = Date.now() + 10_000;
      while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (pidAlive(pid)) throw new CliError(`daemon pid ${pid} did not stop within 10 s`, Exit.daemon);
      if (o.json || globals().json) printJson({ stopped: true, pid });
      else process.stdout.write(`daemon pid ${pid} stopped\n`);
    });
}
