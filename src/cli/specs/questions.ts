import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/questions.js');

export function registerQuestionCommands(program: Command): void {
  program
    .command('questions')
    .description("agents' questions waiting for an answer")
    .option('--json', 'print JSON')
    .action(lazy(impl, 'questions'));

  program
    .command('answer')
    .description("answer an agent's question; the agent continues with it in the same session")
    .argument('<id>', 'question id (orch questions)')
    .argument('<answer...>', 'the answer')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'answer'));

  program
    .command('pause')
    .description('pause all work (no new starts; agents stop gracefully, partial work committed, sessions kept) or the named tasks')
    .argument('[tasks...]', 'task ids; none = everything')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'pause'));

  program
    .command('resume')
    .description('resume everything paused, or continue one waiting run (paused, stuck, after a question) in the same session')
    .argument('[task]', 'task id; none = everything paused')
    .option('--guidance <text>', 'what the agent should know or do now')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'resume'));
}
