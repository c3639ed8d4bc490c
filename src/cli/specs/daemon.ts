import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/daemon.js');

export function registerDaemonCommands(program: Command): void {
  program
    .command('serve')
    .description('run the daemon in the foreground (HTTP API and event stream on 127.0.0.1)')
    .option('--port <port>', 'port (default: config daemon.port, 0 = any free port)', (v) => Number(v))
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--root <dir>', 'project directory')
    .option('--background', 'started by another orch command (internal)')
    .action(lazy(impl, 'serveForeground'));

  const daemon = program.command('daemon').description('the background daemon of this project');
  daemon
    .command('status')
    .description('is a daemon running, where, since when')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'daemonStatus'));
  daemon
    .command('stop')
    .description('stop the daemon; running agents are ended and resume on the next start')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'daemonStop'));
}
