import { describe, expect, it } from 'vitest';
import { readPromptDirectives } from '../simulator/prompt.js';
import { dailyPlanTasks, parseDailyFile } from './daily.js';

const GOOD = `date: 2026-12-03
max_cost_usd: 50.00

tasks:
  - id: task-001
    name: "Create documentation"
    description: |
      Multi-line description
      with details
    module: baptisms
    estimated_complexity: low
    context_files:
      - CLAUDE.md
    deliverables:
      - docs/NEW_DOC.md
      - Updated docs/MODULE_REGISTRY.md
  - id: task-002
    name: Pagination
    description: Paginate the list.
    module: funerals
    depends_on: [task-001]
    deliverables:
      - src/paginate.ts
`;

describe('daily task files (seed 004 format)', () => {
  it('reads date, budget and tasks; ids are <date>/<id>; the body lists deliverables for the agent', () => {
    const { daily, issues } = parseDailyFile(GOOD, 'tasks/2026-12-03.yaml');
    expect(issues).toEqual([]);
    expect(daily?.date).toBe('2026-12-03');
    expect(daily?.maxCostUsd).toBe(50);
    const tasks = dailyPlanTasks(daily!);
    expect(tasks.map((t) => [t.id, t.module, t.dependsOn])).toEqual([
      ['2026-12-03/task-001', 'baptisms', []],
      ['2026-12-03/task-002', 'funerals', ['2026-12-03/task-001']],
    ]);
    expect(tasks[0]?.deliverables).toEqual(['docs/NEW_DOC.md', 'Updated docs/MODULE_REGISTRY.md']);
    expect(tasks[0]?.body).toContain('Estimated complexity: low.');
    expect(readPromptDirectives(tasks[1]!.body).files.map((f) => f.path)).toEqual(['src/paginate.ts']);
  });

  it('reports each problem with file, line, key and fix, and yields no tasks', () => {
    const text = `date: 2026-13-45
max_cost_usd: -5
tasks:
  - id: a
    name: A
    description: x
    estimated_complexity: huge
  - id: a
    name: B
    depends_on: [zzz]
`;
    const { daily, issues } = parseDailyFile(text, 'tasks/x.yaml');
    expect(daily).toBeUndefined();
    const shown = issues.map((i) => `${i.file}:${i.line} ${i.message}`);
    expect(shown).toContain('tasks/x.yaml:1 date: got "2026-13-45", expected a date YYYY-MM-DD');
    expect(shown).toContain('tasks/x.yaml:2 max_cost_usd: got -5, expected a positive number of US dollars');
    expect(shown).toContain('tasks/x.yaml:7 estimated_complexity: got "huge", expected low, medium or high');
    expect(shown).toContain('tasks/x.yaml:8 id: a is used twice (first at line 4)');
    expect(shown).toContain('tasks/x.yaml:8 description: missing in this task');
    expect(shown.some((s) => s.includes('depends_on: zzz is not a task of this file'))).toBe(true);
    expect(issues.every((i) => i.fix.length > 0)).toBe(true);
  });

  it('broken YAML names the line', () => {
    const { issues } = parseDailyFile('date: 2026-12-03\ntasks:\n  - id: a\n   name: [\n', 't.yaml');
    expect(issues[0]?.message).toMatch(/not valid YAML/);
    expect(issues[0]?.line).toBeGreaterThan(1);
  });
});
