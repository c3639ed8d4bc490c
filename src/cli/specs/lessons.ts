import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const impl = () => import('../commands/lessons.js');

export function registerLessonCommands(program: Command): void {
  const lessons = program
    .command('lessons')
    .description('lessons from feedback files (feedback/DATE.md: ratings and Action lines) added to later prompts, with their source')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'lessons'));
  lessons
    .command('remove')
    .description('stop adding a lesson to prompts (its feedback file is left as it is)')
    .argument('<id>', 'lesson id (orch lessons)')
    .option('--json', 'print JSON')
    .action(lazy(impl, 'remove'));
}
