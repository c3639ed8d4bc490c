import { describe, expect, it } from 'vitest';
import type { TaskRow } from '../store/index.js';
import { commitMessage, taskReference } from './commit-message.js';

const task = (id: string, module: string, epic: number, title = 'Do it'): TaskRow => ({ id, module, epic, title, source: 'plan' }) as TaskRow;
const TEMPLATE = 'feat({module}): implement E{epic} - {title}';

describe('commit subjects name the task as its source does', () => {
  it('E03 for a plan epic; #12, the Beads id, the Backlog id or the daily id for work from elsewhere', () => {
    expect(commitMessage(TEMPLATE, task('billing/E03', 'billing', 3, 'Tax'))).toBe('feat(billing): implement E03 - Tax');
    expect(commitMessage(TEMPLATE, task('gh/12', 'gh', 12, 'Fix login'))).toBe('feat(gh): implement #12 - Fix login');
    expect(commitMessage(TEMPLATE, task('bd-a3f8.1', 'bd-a3f8', 1, 'Greeting'))).toBe('feat(bd-a3f8): implement bd-a3f8.1 - Greeting');
    expect(commitMessage(TEMPLATE, task('backlog/task-7', 'backlog', 7, 'Farewell'))).toBe('feat(backlog): implement task-7 - Farewell');
    expect(taskReference(task('2026-01-12/t1', 'billing', 1))).toBe('2026-01-12/t1');
    // A template without `E{epic}` keeps its placeholders' meaning.
    expect(commitMessage('{id}: {title} ({module} {epic})', task('gh/12', 'gh', 12, 'Fix'))).toBe('gh/12: Fix (gh 12)');
  });
});
