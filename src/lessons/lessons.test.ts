import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLessons, MAX_LESSONS } from './lessons.js';
import { parseFeedback } from './parse.js';

// Seed 004's example, as people write it.
const SEED = `# Feedback - 2026-12-03

## task-001: Documentation Task
Rating: 5/5

✅ Perfect structure

## task-002: Pagination Implementation
Rating: 3/5

⚠️  Forgot to write tests
⚠️  Didn't follow PAGINATION.md exactly

Action: Make testing mandatory in agent instructions
Action (project): Add PAGINATION.md to default context for pagination tasks

## billing/E03: Invoices
Rating: 1/5

❌ Rounded money with floats
- Ignored the currency table

## Orchestrator Performance
- Good: Cost tracking worked well
Action: Keep commits small
`;

let root: string;
let removed: string[];
const modules: Record<string, string> = { '2026-12-03/task-002': 'web', '2026-12-03/task-001': 'docs' };
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-lessons-'));
  mkdirSync(join(root, 'feedback'));
  removed = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const lessons = () => createLessons({ root, moduleOf: (id) => modules[id], removed: { get: () => removed, set: (ids) => (removed = ids) } });

describe('feedback files become lessons', () => {
  it("parses seed 004's format: ratings, notes and Action lines per task section", () => {
    const { sections, problems } = parseFeedback(SEED, 'feedback/2026-12-03.md');
    expect(problems).toEqual([]);
    expect(sections.map((s) => [s.taskId, s.rating, s.actions.length])).toEqual([
      ['task-001', 5, 0],
      ['task-002', 3, 2],
      ['billing/E03', 1, 0],
      [null, null, 1],
    ]);
    expect(sections[1]?.notes).toEqual(['Forgot to write tests', "Didn't follow PAGINATION.md exactly"]);
    expect(sections[1]?.actions[1]).toEqual({ text: 'Add PAGINATION.md to default context for pagination tasks', scope: 'project', line: 15 });
  });

  it("actions are scoped to their task's module (a daily file's ids resolved by its date), low ratings teach too", () => {
    writeFileSync(join(root, 'feedback', '2026-12-03.md'), SEED);
    const l = lessons().list();
    expect(l.problems).toEqual([]);
    expect(l.lessons.map((x) => [x.scope, x.text, x.source, x.taskId, x.rating])).toEqual([
      ['web', 'Make testing mandatory in agent instructions', 'feedback/2026-12-03.md:14', '2026-12-03/task-002', 3],
      ['project', 'Add PAGINATION.md to default context for pagination tasks', 'feedback/2026-12-03.md:15', '2026-12-03/task-002', 3],
      ['billing', 'billing/E03 was rated 1/5: Rounded money with floats; Ignored the currency table. Avoid that.', 'feedback/2026-12-03.md:17', 'billing/E03', 1],
      ['project', 'Keep commits small', 'feedback/2026-12-03.md:25', null, null],
    ]);
    // A billing prompt gets billing's and the project's, lowest rating first; a web prompt its own and the project's.
    expect(lessons().choose('billing').map((x) => x.text)).toEqual([
      'billing/E03 was rated 1/5: Rounded money with floats; Ignored the currency table. Avoid that.',
      'Add PAGINATION.md to default context for pagination tasks',
      'Keep commits small',
    ]);
    expect(lessons().forPrompt('web')).toBe(
      '## Lessons from feedback on earlier runs\n\n- Make testing mandatory in agent instructions\n- Add PAGINATION.md to default context for pagination tasks\n- Keep commits small\n\n',
    );
    expect(lessons().forPrompt('docs')).toContain('Keep commits small');
    expect(lessons().forPrompt('docs')).not.toContain('testing mandatory');
  });

  it('orch lessons remove drops one by its stable id; an unknown id says how to list them', () => {
    writeFileSync(join(root, 'feedback', '2026-12-03.md'), SEED);
    const svc = lessons();
    const keep = svc.list().lessons.find((x) => x.text === 'Keep commits small');
    expect(keep?.id).toMatch(/^L[0-9a-f]{7}$/);
    expect(svc.remove(keep?.id ?? '')).toMatchObject({ text: 'Keep commits small' });
    expect(svc.list().lessons.map((x) => x.text)).not.toContain('Keep commits small');
    expect(svc.list().removed).toEqual([keep?.id]);
    expect(svc.forPrompt('docs')).not.toContain('Keep commits small');
    // Editing another line of the file keeps the id.
    writeFileSync(join(root, 'feedback', '2026-12-03.md'), SEED.replace('Rating: 5/5', 'Rating: 4/5'));
    expect(svc.list().lessons.map((x) => x.text)).not.toContain('Keep commits small');
    expect(() => svc.remove('Lnope')).toThrow('no lesson Lnope; orch lessons lists them');
  });

  it('a malformed file gives no lesson and is reported with file, line and fix; a symlink is not read', () => {
    writeFileSync(join(root, 'feedback', '2026-12-02.md'), '## task-009: X\nRating: 7/5\nAction: Use the logger\n\n## task-010: Y\nAction:\n');
    writeFileSync(join(root, 'feedback', '2026-12-03.md'), '## core/E01: Z\nAction: Name files in kebab-case\n');
    symlinkSync('/etc/passwd', join(root, 'feedback', '2026-12-04.md'));
    const l = lessons().list();
    expect(l.lessons.map((x) => [x.scope, x.text])).toEqual([['core', 'Name files in kebab-case']]);
    expect(l.problems).toEqual([
      'feedback/2026-12-04.md:1: not used: not a regular file (a symlink?)',
      'feedback/2026-12-02.md:2: Rating "7/5" is not a rating; write it as Rating: 4/5 (1 to 5)',
      'feedback/2026-12-02.md:6: an Action says nothing; write what to do next time after "Action:", or remove the line',
    ]);
  });

  it(`a prompt carries at most ${MAX_LESSONS} lessons, newest file first among equal ratings, repeats once`, () => {
    const actions = Array.from({ length: 12 }, (_, i) => `Action: rule ${i}`).join('\n');
    writeFileSync(join(root, 'feedback', '2026-12-01.md'), `## Team\n${actions}\nAction: rule 0\n`);
    writeFileSync(join(root, 'feedback', '2026-12-05.md'), '## Team\nAction: newest rule\n');
    const chosen = lessons().choose('any');
    expect(chosen).toHaveLength(MAX_LESSONS);
    expect(chosen[0]?.text).toBe('newest rule');
    expect(new Set(chosen.map((x) => x.text)).size).toBe(MAX_LESSONS);
    expect(lessons().choose('any').every((x) => x.scope === 'project')).toBe(true);
    rmSync(join(root, 'feedback'), { recursive: true });
    expect(lessons().list()).toEqual({ lessons: [], removed: [], problems: [] });
  });
});
