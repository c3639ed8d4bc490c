import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from './parse.js';
import { writeRepo } from './testing.js';
import type { ParsedPlan, PlanTask } from './types.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function plan(files: Record<string, string>, plansDir?: string): Promise<ParsedPlan> {
  const repo = await writeRepo(files);
  cleanups.push(repo.cleanup);
  return parsePlan(repo.root, plansDir === undefined ? {} : { plansDir });
}

function task(parsed: ParsedPlan, id: string): PlanTask {
  const found = parsed.tasks.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${id}; have ${parsed.tasks.map((t) => t.id).join(', ')}`);
  return found;
}

const P = 'docs/plans';

describe('parsePlan: modules, ids, titles, descriptions', () => {
  it('reads module folders, strips -module, pads ids and keeps overviews', async () => {
    const parsed = await plan({
      [`${P}/billing-module/00-overview.md`]: '# Billing\n\nMoney in.\n',
      [`${P}/billing-module/epic-01-invoices.md`]: '# Invoices\n\nCreate invoices.\n',
      [`${P}/billing-module/epic-12-dunning.md`]: '# Dunning\n',
      [`${P}/billing-module/notes.md`]: '# Not an epic\n',
      [`${P}/technical/epic-5.md`]: '# Scaffolding\n',
      [`${P}/technical/epic-123-big.md`]: '# Big\n',
      [`${P}/empty-folder/readme.txt`]: 'nothing',
    });
    expect(parsed.issues).toEqual([]);
    expect(parsed.plansDir).toBe('docs/plans');
    expect(parsed.tasks.map((t) => t.id)).toEqual(['billing/E01', 'billing/E12', 'technical/E05', 'technical/E123']);
    expect(parsed.modules).toEqual([
      { name: 'billing', dir: 'docs/plans/billing-module', overview: '# Billing\n\nMoney in.\n' },
      { name: 'technical', dir: 'docs/plans/technical' },
    ]);
    const invoices = task(parsed, 'billing/E01');
    expect(invoices).toMatchObject({
      module: 'billing',
      epic: 1,
      title: 'Invoices',
      description: 'Create invoices.',
      file: 'docs/plans/billing-module/epic-01-invoices.md',
      body: '# Invoices\n\nCreate invoices.\n',
      priority: 'medium',
      needsReview: false,
      touches: [],
      conflictsWith: [],
    });
    expect(invoices.planStatus).toBeUndefined();
  });

  it('takes the description from a Summary section over the first paragraph', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: '# X\n\nFirst paragraph\ncontinues here.\n\nSecond.\n',
      [`${P}/a/epic-02-y.md`]: '# Y\n\nIntro text.\n\n## Summary\n\nThe real summary\nover two lines.\n\n### Detail\n\nstill summary\n\n## Tasks\n\n- no\n',
      [`${P}/a/epic-03-z.md`]: '# Z\n\n<!-- comment -->\n## Goals\n\n```\ncode\n```\n\nAfter the heading.\n',
      [`${P}/a/epic-04-w.md`]: '# W\n\n## Overview:\nShort.\n',
    });
    expect(task(parsed, 'a/E01').description).toBe('First paragraph\ncontinues here.');
    expect(task(parsed, 'a/E02').description).toBe('The real summary\nover two lines.\n\n### Detail\n\nstill summary');
    expect(task(parsed, 'a/E03').description).toBe('After the heading.');
    expect(task(parsed, 'a/E04').description).toBe('Short.');
  });

  it('falls back to the frontmatter title, ignores H1s in code and reads setext titles', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: '---\ntitle: From frontmatter\n---\nNo heading here.\n',
      [`${P}/a/epic-02-y.md`]: '```\n# not a title\n```\n\n# Real ##\n',
      [`${P}/a/epic-03-z.md`]: 'Setext Title\n===\n\nBody.\n',
    });
    expect(parsed.issues).toEqual([]);
    expect(task(parsed, 'a/E01').title).toBe('From frontmatter');
    expect(task(parsed, 'a/E01').description).toBe('No heading here.');
    expect(task(parsed, 'a/E02').title).toBe('Real');
    expect(task(parsed, 'a/E03').title).toBe('Setext Title');
    expect(task(parsed, 'a/E03').description).toBe('Body.');
  });

  it('honours module and epic overrides from frontmatter and 00-overview.md', async () => {
    const parsed = await plan({
      [`${P}/fin/00-overview.md`]: '---\nmodule: finance-module\n---\n# Finance\n',
      [`${P}/fin/epic-01-a.md`]: '# A\n',
      [`${P}/fin/epic-02-b.md`]: '---\nepic: E07\n---\n# B\n',
      [`${P}/misc/epic-01-c.md`]: '---\nmodule: ops\nepic: 3\n---\n# C\n',
    });
    expect(parsed.issues).toEqual([]);
    expect(parsed.tasks.map((t) => t.id)).toEqual(['finance/E01', 'finance/E07', 'ops/E03']);
    expect(parsed.modules.map((m) => [m.name, m.dir])).toEqual([
      ['finance', 'docs/plans/fin'],
      ['ops', 'docs/plans/misc'],
    ]);
    expect(task(parsed, 'finance/E07').dependsOn).toEqual(['finance/E01']);
  });

  it('reads every frontmatter field', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: [
        '---',
        'priority: HIGH',
        'needs_review: true',
        'touches: [src/a/**, db/schema.sql]',
        'conflicts_with: src/shared/**',
        'agent: codex',
        'model: "gpt-5"',
        '---',
        '# X',
      ].join('\n'),
      [`${P}/a/epic-02-y.md`]: '---\npriority: 3\n---\n# Y\n',
    });
    expect(parsed.issues).toEqual([]);
    expect(task(parsed, 'a/E01')).toMatchObject({
      priority: 'high',
      needsReview: true,
      touches: ['src/a/**', 'db/schema.sql'],
      conflictsWith: ['src/shared/**'],
      agent: 'codex',
      model: 'gpt-5',
    });
    expect(task(parsed, 'a/E02').priority).toBe('low');
  });

  it('reads CRLF files and a BOM the same way', async () => {
    const lf = '---\npriority: high\ndepends_on:\n  - b/E01\n---\n# Title\n\nFirst line.\n\nRequires b/E02\n';
    const parsed = await plan({
      [`${P}/b/epic-01-x.md`]: '# X\n',
      [`${P}/b/epic-02-y.md`]: '# Y\n',
      [`${P}/a/epic-01-lf.md`]: lf,
      [`${P}/c/epic-01-crlf.md`]: `\uFEFF${lf.replace(/\n/g, '\r\n')}`,
    });
    expect(parsed.issues).toEqual([]);
    const [a, c] = [task(parsed, 'a/E01'), task(parsed, 'c/E01')];
    expect(c.title).toBe('Title');
    expect(c.description).toBe('First line.');
    expect(c.priority).toBe('high');
    expect(c.dependencySources).toEqual(a.dependencySources);
    expect(c.dependencySources.map((s) => s.line)).toEqual([4, 10]);
  });

  it('accepts a custom plans folder', async () => {
    const parsed = await plan({ 'plans/x/epic-01-a.md': '# A\n' }, 'plans');
    expect(parsed.plansDir).toBe('plans');
    expect(parsed.tasks.map((t) => t.file)).toEqual(['plans/x/epic-01-a.md']);
  });
});

describe('parsePlan: dependencies', () => {
  it('chains epics of a module implicitly, skipping gaps', async () => {
    const parsed = await plan({
      [`${P}/m/epic-01-a.md`]: '# A\n',
      [`${P}/m/epic-03-c.md`]: '# C\n',
      [`${P}/m/epic-07-g.md`]: '# G\n',
    });
    expect(task(parsed, 'm/E01').dependsOn).toEqual([]);
    expect(task(parsed, 'm/E03').dependsOn).toEqual(['m/E01']);
    expect(task(parsed, 'm/E07').dependencySources).toEqual([{ id: 'm/E03', kind: 'implicit', line: 1 }]);
  });

  it('resolves frontmatter depends_on in every spelling, with lines', async () => {
    const parsed = await plan({
      [`${P}/billing-module/epic-01-a.md`]: '# A\n',
      [`${P}/billing-module/epic-02-b.md`]: '# B\n',
      [`${P}/pricing/epic-01-p.md`]: '# P\n',
      [`${P}/pricing/epic-02-q.md`]: '# Q\n',
      [`${P}/pricing/epic-03-r.md`]: '---\ndepends_on:\n  - billing/E1\n  - billing-module/E02\n  - E01\n---\n# R\n',
      [`${P}/pricing/epic-04-s.md`]: '---\ndepends_on: billing/E01\n---\n# S\n',
    });
    expect(parsed.issues).toEqual([]);
    const r = task(parsed, 'pricing/E03');
    expect(r.dependsOn).toEqual(['billing/E01', 'billing/E02', 'pricing/E01', 'pricing/E02']);
    expect(r.dependencySources).toEqual([
      { id: 'pricing/E02', kind: 'implicit', line: 1 },
      { id: 'billing/E01', kind: 'frontmatter', line: 3 },
      { id: 'billing/E02', kind: 'frontmatter', line: 4 },
      { id: 'pricing/E01', kind: 'frontmatter', line: 5 },
    ]);
    expect(task(parsed, 'pricing/E04').dependsOn).toEqual(['billing/E01', 'pricing/E03']);
  });

  const proseCases: [string, string[]][] = [
    ['Requires billing/E01.', ['billing/E01']],
    ['This depends on technical E03 being merged.', ['technical/E03']],
    ["It depends on the technical module's E03.", ['technical/E03']],
    ['Run after pricing/E02 ships.', ['pricing/E02']],
    ['**Requires:** billing/E01, pricing/E02 and technical/E3', ['billing/E01', 'pricing/E02', 'technical/E03']],
    ['Blocked by billing E01', ['billing/E01']],
    ['Needs technical/E3', ['technical/E03']],
    ['Prerequisite: `billing-module/E01`', ['billing/E01']],
    ['Prerequisites: E01 & E02', ['app/E01', 'app/E02']],
    ['DEPENDS ON Billing/E1', ['billing/E01']],
    ['Requires [invoices](../billing-module/epic-01-invoices.md)', ['billing/E01']],
    ['After completing E02, do this.', ['app/E02']],
    ['Requires Epic 1', ['app/E01']],
    ["Don't start until after billing/E01 merges.", ['billing/E01']],
  ];
  it.each(proseCases)('reads prose %j', async (line, expected) => {
    const parsed = await plan({
      [`${P}/billing-module/epic-01-invoices.md`]: '# Invoices\n',
      [`${P}/pricing/epic-02-p.md`]: '# P\n',
      [`${P}/technical/epic-03-t.md`]: '# T\n',
      [`${P}/app/epic-01-a.md`]: '# A\n',
      [`${P}/app/epic-02-b.md`]: '# B\n',
      [`${P}/app/epic-09-c.md`]: `---\npriority: low\n---\n# C\n\nIntro.\n\n${line}\n`,
    });
    expect(parsed.issues).toEqual([]);
    const c = task(parsed, 'app/E09');
    const prose = c.dependencySources.filter((s) => s.kind === 'prose');
    expect(prose.map((s) => s.id).sort()).toEqual(expected);
    expect(new Set(prose.map((s) => s.line))).toEqual(new Set([8]));
  });

  const notDependencies = [
    'See billing/E01 for context.',
    'This does not depend on billing/E01.',
    'It no longer requires billing/E01.',
    "It doesn't need billing/E01.",
    'Similar to billing/E01, after all.',
    'Needs E2E tests.',
    'After that, billing/E01 gets simpler.',
    '```\nRequires billing/E01\n```',
    '~~~md\nDepends on billing/E01\n~~~',
  ];
  it.each(notDependencies)('does not read %j as a dependency', async (text) => {
    const parsed = await plan({
      [`${P}/billing/epic-01-a.md`]: '# A\n',
      [`${P}/app/epic-01-x.md`]: `# X\n\n${text}\n`,
    });
    expect(parsed.issues).toEqual([]);
    expect(task(parsed, 'app/E01').dependsOn).toEqual([]);
  });

  it('reads lists under a Dependencies heading or a "Requires:" line', async () => {
    const parsed = await plan({
      [`${P}/billing/epic-01-a.md`]: '# A\n',
      [`${P}/billing/epic-02-b.md`]: '# B\n',
      [`${P}/pricing/epic-01-p.md`]: '# P\n',
      [`${P}/app/epic-01-x.md`]: '# X\n\n## Dependencies\n\n- billing/E01 (invoices)\n- **pricing/E01**\n- None else\n\n## Tasks\n\n- billing/E02 is mentioned only\n',
      [`${P}/app/epic-02-y.md`]: '# Y\n\nRequires:\n\n- billing/E02\n- pricing/E1\n\nThen billing/E01 is mentioned.\n',
    });
    expect(parsed.issues).toEqual([]);
    const x = task(parsed, 'app/E01');
    expect(x.dependsOn).toEqual(['billing/E01', 'pricing/E01']);
    expect(x.dependencySources.map((s) => s.line)).toEqual([5, 6]);
    expect(task(parsed, 'app/E02').dependsOn).toEqual(['app/E01', 'billing/E02', 'pricing/E01']);
  });

  it('reports prose dependency lines in file lines, after frontmatter', async () => {
    const parsed = await plan({
      [`${P}/b/epic-01-a.md`]: '# A\n',
      [`${P}/a/epic-01-x.md`]: '---\npriority: high\nneeds_review: false\n---\n# X\n\nRequires b/E01\n',
    });
    expect(task(parsed, 'a/E01').dependencySources).toEqual([{ id: 'b/E01', kind: 'prose', line: 7 }]);
  });

  it('never lists a task as its own dependency', async () => {
    const parsed = await plan({ [`${P}/a/epic-01-x.md`]: '---\ndepends_on: [a/E01]\n---\n# X\n\nAfter a/E01 and E01.\n' });
    expect(parsed.issues).toEqual([]);
    expect(task(parsed, 'a/E01').dependsOn).toEqual([]);
  });
});

describe('parsePlan: status from the plan', () => {
  const epics = {
    [`${P}/billing-module/epic-01-invoices.md`]: '# Invoices\n',
    [`${P}/billing-module/epic-02-dunning.md`]: '# Dunning\n',
    [`${P}/billing-module/epic-03-refunds.md`]: '# Refunds\n',
    [`${P}/technical/epic-01-scaffold.md`]: '# Scaffold\n',
    [`${P}/technical/epic-02-ci.md`]: '# CI\n',
  };

  it('reads links, full ids and epic cells under module headings', async () => {
    const readme = [
      '# Plan',
      '',
      '| Emoji | Status |',
      '|-------|--------|',
      '| 🔴 | Not started |',
      '',
      '## Overview',
      '',
      '| Epic | Status |',
      '| --- | :---: |',
      '| [Invoices](billing-module/epic-01-invoices.md) | 🟢 |',
      '| technical/E1 | 🟡 |',
      '',
      '## Billing Module',
      '',
      '### Phase 2',
      '',
      'Epic | Title | Status',
      '--- | --- | ---',
      'E02 | Dunning | 🟡 In progress',
      '03 | Refunds | 🔴',
      '',
      '## technical-module',
      '',
      '| # | Status | Est. |',
      '|---|---|---|',
      '| Epic 2 | 🟢 | 3 |',
      '',
      '```',
      '| technical/E02 | 🔴 |',
      '```',
    ].join('\n');
    const parsed = await plan({ ...epics, [`${P}/README.md`]: readme });
    expect(parsed.issues).toEqual([]);
    expect(Object.fromEntries(parsed.tasks.map((t) => [t.id, t.planStatus]))).toEqual({
      'billing/E01': 'complete',
      'billing/E02': 'in_progress',
      'billing/E03': 'not_started',
      'technical/E01': 'in_progress',
      'technical/E02': 'complete',
    });
  });

  it('does not carry a module heading into an unrelated section', async () => {
    const readme = '## Billing\n\n| Epic | Status |\n|---|---|\n| E01 | 🟢 |\n\n## Legend\n\n| Epic | Status |\n|---|---|\n| E02 | 🟢 |\n';
    const parsed = await plan({ ...epics, [`${P}/README.md`]: readme });
    expect(task(parsed, 'billing/E01').planStatus).toBe('complete');
    expect(task(parsed, 'billing/E02').planStatus).toBeUndefined();
  });

  it('warns about README rows for tasks that do not exist', async () => {
    const readme = '| Task | Status |\n|---|---|\n| billing/E09 | 🔴 |\n| [Gone](technical/epic-07-gone.md) | 🟢 |\n| billing/E01 | 🟢 |\n';
    const parsed = await plan({ ...epics, [`${P}/README.md`]: readme });
    expect(parsed.issues.map((i) => [i.severity, i.code, i.file, i.line])).toEqual([
      ['warning', 'readme_unknown_task', 'docs/plans/README.md', 3],
      ['warning', 'readme_unknown_task', 'docs/plans/README.md', 4],
    ]);
    expect(parsed.issues[0]!.message).toContain('billing/E09');
    expect(parsed.issues[1]!.message).toContain('docs/plans/technical/epic-07-gone.md');
    expect(task(parsed, 'billing/E01').planStatus).toBe('complete');
  });

  it('lets the epic marker win over the README', async () => {
    const parsed = await plan({
      ...epics,
      [`${P}/billing-module/epic-02-dunning.md`]: '---\npriority: high\n---\n<!-- orch: status=complete, pr=#142, merged=2026-01-12 -->\n# Dunning\n',
      [`${P}/README.md`]: '| Task | Status |\n|---|---|\n| billing/E02 | 🔴 |\n',
    });
    expect(parsed.issues).toEqual([]);
    const dunning = task(parsed, 'billing/E02');
    expect(dunning.planStatus).toBe('complete');
    expect(dunning.marker).toEqual({ status: 'complete', pr: '#142', merged: '2026-01-12' });
    expect(dunning.title).toBe('Dunning');
  });
});
