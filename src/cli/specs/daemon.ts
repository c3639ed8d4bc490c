import { Option, type Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/daemon.js');

export function registerDaemonCommands(program: Command): void {
  program
    .command('serve')
    .description('run the daemon in the foreground (HTTP API and event stream on 127.0.0.1)')
    .option('--port <port>', 'port (default: config daemon.port, 0 = any free port)', (v) => Number(v))
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .addOption(new Option('--root <dir>', 'project directory').hideHelp())
    .addOption(new Option('--background', 'started by another orch command').hideHelp())
    .action(lazy(impl, 'serveForeground'));

  const daemon = program.command('daemon').description('the background daemon of this project');
  daemon
    .command('status')
    .description('is a daemon running, where, since when')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'daemonStatus'));
  daemon
    .command('start')
    .description('start the daemon in the background (if none runs) with this shell environment and config')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'daemonStart'));
  daemon
    .command('restart')
    .description('stop the daemon (its agents are ended, their work kept) and start it with this shell environment and config')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'daemonRestart'));
  daemon
    .command('stop')
    .description('stop the daemon; running agents are ended (work kept) and resume on the next orch start')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'daemonStop'));
}
