import { Option, type Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerOnboardCommands(program: Command): void {
  program
    .command('onboard')
    // `git init`, `npm init`: what a new user types first.
    .alias('init')
    .description('set this repository up for Orch: check git and agent CLIs, write config (diff first), create a starter plan, sync')
    .option('-y, --yes', 'take every default (and the flags below) without asking, for scripts')
    .addOption(new Option('--agent <backend>', 'the coding agent CLI').choices(['claude', 'codex', 'gemini', 'opencode', 'goose']))
    .addOption(new Option('--forge <kind>', 'where finished work goes').choices(['local', 'github']))
    .addOption(new Option('--scope <scope>', 'write the project config or the user config').choices(['project', 'user']))
    .addOption(new Option('--source <kind>', 'also take tasks from GitHub issues labelled "orch", Beads (bd) or Backlog.md task files').choices(['github', 'beads', 'backlog']))
    .option('--no-sample', 'do not create a starter plan when there is none')
    .option('--no-commit', 'leave the created files uncommitted')
    .option('--no-sync', 'do not sync at the end')
    .option('--json', 'print the outcome as JSON')
    .action(lazy(() => import('../commands/onboard.js'), 'onboard'));

  const config = program.command('config').description('the merged configuration');
  config
    .command('show')
    .description('the merged config (defaults < user file < project file) with the source of each value')
    .option('--json', 'print JSON')
    .action(lazy(() => import('../commands/config.js'), 'configShow'));
  config
    .command('path')
    .description('where the user and project config files are')
    .option('--json', 'print JSON')
    .action(lazy(() => import('../commands/config.js'), 'configPath'));
}
