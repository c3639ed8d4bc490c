import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/notify.js');

export function registerNotifyCommands(program: Command): void {
  const notify = program.command('notify').description('notification channels ([notify] in ~/.config/orch/config.toml): desktop, Slack, Telegram, webhook');
  notify
    .command('test')
    .description('send a test message through each configured channel (or one) and say what happened; exits 1 naming a channel that failed')
    .argument('[channel]', 'desktop | slack | telegram | webhook; none = every configured channel')
    .option('--channel <name>', 'the same as the argument')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'test'));
}
