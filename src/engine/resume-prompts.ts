import type { Store } from '../store/index.js';
import { buildPrompt } from './prompt.js';

export interface ResumePromptsDeps {
  store: Store;
  dirs: { projectRoot: string; userConfigDir: string };
  targetBranch: string;
}

/** The prompts a waiting run's agent is resumed with, from the task's templates (A3). */
export function createResumePrompts(d: ResumePromptsDeps) {
  return {
    /** The answer to its question. */
    answer(taskId: string, answer: string): string | undefined {
      const t = d.store.tasks.get(taskId);
      return t && buildPrompt({ task: t, completedDeps: [], targetBranch: d.targetBranch }, d.dirs, 'answer', { answer });
    },
    /**
     * A run paused by a budget may wait hours for a raise: its agent is reminded of the task (the session may have
     * been cut mid-step, before it wrote anything).
     */
    budget(taskId: string): string {
      const t = d.store.tasks.get(taskId);
      const base = 'You were paused because a budget was reached; it has been raised. Continue the task where you left off.';
      if (!t) return base;
      const resume = buildPrompt({ task: t, completedDeps: [], targetBranch: d.targetBranch }, d.dirs, 'resume');
      return `${base}\n\n${resume}\n## The task, for reference\n\n${t.body.trim()}\n`;
    },
  };
}
