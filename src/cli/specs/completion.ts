import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/completion.js');

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (commands, options, task ids, modules)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(lazy(impl, 'completion'));

  // What the completion scripts call: the candidates for the word after `words`, one a line.
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const { complete } = await import('../commands/completion.js');
      complete(program, words);
    });
}
