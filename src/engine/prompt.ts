import type { TaskRow } from '../store/index.js';

export interface PromptInput {
  task: TaskRow;
  moduleOverview?: string;
  completedDeps: Array<Pick<TaskRow, 'id' | 'title' | 'file' | 'description'>>;
  targetBranch: string;
}

/**
 * The built-in coder prompt. Agents work in their own worktree; Orch commits and merges, so the agent must not.
 */
export function buildPrompt({ task, moduleOverview, completedDeps, targetBranch }: PromptInput): string {
  const deps = completedDeps.length
    ? completedDeps.map((d) => `- ${d.id}: ${d.title} (${d.file})${d.description ? ` — ${d.description}` : ''}`).join('\n')
    : '- none';
  return [
    `You are implementing ${task.id}: ${task.title}`,
    '',
    `Epic file: ${task.file}`,
    '',
    '## Epic',
    '',
    task.body.trim(),
    '',
    '## Module context',
    '',
    moduleOverview?.trim() || '(no 00-overview.md for this module)',
    '',
    '## Dependencies already merged into ' + targetBranch,
    '',
    deps,
    '',
    '## How to work',
    '',
    '1. Implement what the epic asks for in this working directory (a git worktree made for this task).',
    '2. Run the project\'s tests if it has any, and make them pass.',
    '3. Do not commit, push, rebase or merge: Orch commits your changes and merges them when you finish.',
    '4. Stay inside this directory. When you are done, reply with a short summary of what you changed.',
    '',
  ].join('\n');
}
