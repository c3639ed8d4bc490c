import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerTrustCommand(program: Command): void {
  program
    .command('trust')
    .description("trust this project's .orch/config.toml as it is now, so it may set keys only your own config may (agent.command, pass_env, daemon.host, ...)")
    .option('--revoke', 'stop trusting it')
    .option('--json', 'print JSON')
    .action(lazy(() => import('../commands/trust.js'), 'trustProject'));
}
