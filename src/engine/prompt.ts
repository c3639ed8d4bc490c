import type { TaskRow } from '../store/index.js';
import { loadTemplate, renderTemplate } from '../prompts/index.js';

export interface PromptInput {
  task: TaskRow;
  moduleOverview?: string;
  completedDeps: Array<Pick<TaskRow, 'id' | 'title' | 'file' | 'description'>>;
  targetBranch: string;
}

export interface TemplateDirs {
  projectRoot: string;
  userConfigDir: string;
}

/** The variables every task template can use. */
export function taskVariables({ task, moduleOverview, completedDeps, targetBranch }: PromptInput): Record<string, string> {
  return {
    task_id: task.id,
    title: task.title,
    module: task.module,
    epic_file: task.file,
    epic_content: task.body.trim(),
    module_context: moduleOverview?.trim() || '(no 00-overview.md for this module)',
    completed_dependencies: completedDeps.length
      ? completedDeps.map((d) => `- ${d.id}: ${d.title} (${d.file})${d.description ? ` — ${d.description}` : ''}`).join('\n')
      : '- none',
    target_branch: targetBranch,
    // O5: filled for a coder's first prompt from feedback files (src/lessons); "" elsewhere.
    lessons: '',
  };
}

/** Renders the `coder` template (or another) for a task; overrides come from the project and the user. */
export function buildPrompt(input: PromptInput, dirs: TemplateDirs = { projectRoot: '/nonexistent', userConfigDir: '/nonexistent' }, name = 'coder', extra: Record<string, string> = {}): string {
  return renderTemplate(loadTemplate(name, dirs), { ...taskVariables(input), ...extra });
}
