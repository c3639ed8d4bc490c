import { afterEach, describe, expect, it } from 'vitest';
import { formatIssue } from './issues.js';
import { parsePlan } from './parse.js';
import { writeRepo } from './testing.js';
import type { ParsedPlan, PlanIssue } from './types.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function plan(files: Record<string, string>): Promise<ParsedPlan> {
  const repo = await writeRepo(files);
  cleanups.push(repo.cleanup);
  return parsePlan(repo.root);
}

const P = 'docs/plans';
const errors = (parsed: ParsedPlan) => parsed.issues.filter((i) => i.severity === 'error');
const only = (parsed: ParsedPlan, code: PlanIssue['code']) => parsed.issues.filter((i) => i.code === code);

describe('parsePlan: broken plans', () => {
  it('names a cycle with its members in order, at the first member', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: '# X\n\nRequires b/E02\n',
      [`${P}/b/epic-01-y.md`]: '# Y\n',
      [`${P}/b/epic-02-z.md`]: '---\ndepends_on: [c/E01]\n---\n# Z\n',
      [`${P}/c/epic-01-w.md`]: '# W\n\nAfter a/E01.\n',
    });
    const cycles = only(parsed, 'cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ severity: 'error', file: 'docs/plans/a/epic-01-x.md', line: 3 });
    expect(cycles[0]!.message).toContain('a/E01 -> b/E02 -> c/E01 -> a/E01');
    expect(cycles[0]!.fix).toContain('b/E02 -> c/E01 (frontmatter, docs/plans/b/epic-02-z.md:2)');
  });

  it('hand-written YAML mistakes say what to do: a tab used to indent, a `[` list never closed', async () => {
    const parsed = await plan({
      [`${P}/m/epic-01-a.md`]: '---\npriority: high\n\ttouches: [src/]\n---\n# A\n',
      [`${P}/m/epic-02-b.md`]: '---\ndepends_on: [m/E01\npriority: high\n---\n# B\n',
      [`${P}/m/epic-03-c.md`]: '---\ndepends_on: [\n  m/E01,\n]\npriority: [high\n---\n# C\n',
    });
    const bad = only(parsed, 'bad_frontmatter');
    expect(bad.map((i) => [i.file, i.fix])).toEqual([
      ['docs/plans/m/epic-01-a.md', 'line 3 is indented with a tab: YAML indents with spaces only; replace the tab with spaces (or remove the indent of a top-level key)'],
      ['docs/plans/m/epic-02-b.md', 'line 2 opens a `[` list that is not closed: end it with `]` on the same line (`depends_on: [core/E01, core/E02]`)'],
      // A list over several lines that is closed is not the one blamed.
      ['docs/plans/m/epic-03-c.md', 'line 5 opens a `[` list that is not closed: end it with `]` on the same line (`depends_on: [core/E01, core/E02]`)'],
    ]);
  });

  it('a cycle names the written dependency a person can remove; a previous-epic one says how it goes', async () => {
    const parsed = await plan({
      [`${P}/core/epic-01-a.md`]: '---\ndepends_on: [web/E01]\n---\n# A\n',
      [`${P}/core/epic-02-b.md`]: '---\ndepends_on: [core/E01]\n---\n# B\n',
      [`${P}/web/epic-01-w.md`]: '---\ndepends_on: [core/E02]\n---\n# W\n',
      [`${P}/m/epic-01-x.md`]: '---\ndepends_on: [m/E02]\n---\n# X\n',
      [`${P}/m/epic-02-y.md`]: '# Y\n',
    });
    const fixes = only(parsed, 'cycle').map((i) => i.fix ?? '');
    expect(fixes.find((f) => f.includes('core/E02 -> core/E01'))).toContain('core/E02 -> core/E01 (frontmatter, docs/plans/core/epic-02-b.md:2)');
    expect(fixes.find((f) => f.includes('m/E02 -> m/E01'))).toContain('m/E02 -> m/E01 (previous epic of the module, docs/plans/m/epic-02-y.md: it goes only if m/E02 is numbered before m/E01)');
  });

  it('finds a cycle made of an implicit and an explicit dependency', async () => {
    const parsed = await plan({
      [`${P}/m/epic-01-a.md`]: '---\ndepends_on: E02\n---\n# A\n',
      [`${P}/m/epic-02-b.md`]: '# B\n',
    });
    expect(only(parsed, 'cycle').map((i) => i.message)).toEqual(['dependency cycle: m/E01 -> m/E02 -> m/E01']);
  });

  it('reports unknown dependencies at their line with the closest id', async () => {
    const parsed = await plan({
      [`${P}/billing-module/epic-01-a.md`]: '# A\n',
      [`${P}/billing-module/epic-02-b.md`]: '# B\n',
      [`${P}/app/epic-01-x.md`]: '---\npriority: high\ndepends_on:\n  - biling/E02\n---\n# X\n\nSome text.\n\nRequires billing/E09\n',
    });
    const unknown = only(parsed, 'unknown_dependency');
    expect(unknown.map((i) => [i.file, i.line])).toEqual([
      ['docs/plans/app/epic-01-x.md', 4],
      ['docs/plans/app/epic-01-x.md', 10],
    ]);
    expect(unknown[0]!.message).toContain('biling/E02');
    expect(unknown[0]!.fix).toContain('did you mean billing/E02?');
    expect(unknown[0]!.fix).toContain('<module>/E<NN>');
    expect(unknown[1]!.fix).toContain('did you mean billing/E02?');
    expect(parsed.tasks.find((t) => t.id === 'app/E01')!.dependsOn).toEqual([]);
    expect(formatIssue(unknown[1]!)).toMatch(/^docs\/plans\/app\/epic-01-x\.md:10: .*billing\/E09.*\n {2}fix: did you mean/);
  });

  it('treats a near miss of a module name in loose prose as a typo, not filler', async () => {
    const parsed = await plan({
      [`${P}/technical/epic-03-a.md`]: '# A\n',
      [`${P}/app/epic-01-x.md`]: '# X\n\nDepends on technicl E03\n',
    });
    expect(only(parsed, 'unknown_dependency').map((i) => i.fix.split('?')[0])).toEqual(['did you mean technical/E03']);
  });

  it('reports a duplicate id naming both files', async () => {
    const parsed = await plan({
      [`${P}/billing/epic-01-a.md`]: '# A\n',
      [`${P}/billing-module/epic-1-b.md`]: '# B\n',
    });
    const dup = only(parsed, 'duplicate_id');
    expect(dup).toHaveLength(1);
    expect(dup[0]!.message).toContain('docs/plans/billing-module/epic-1-b.md');
    expect(dup[0]!.message).toContain('docs/plans/billing/epic-01-a.md');
    expect(parsed.tasks.map((t) => t.id)).toEqual(['billing/E01']);
  });

  it('reports broken YAML at the line in the file', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: '---\npriority: high\ndepends_on: [a/E02\ntitle: x\n---\n# X\n',
      [`${P}/a/epic-02-y.md`]: '---\n# a comment\n\npriority: high: x\n---\n# Y\n',
      [`${P}/a/epic-03-z.md`]: '---\npriority: high\ntitle: "unclosed\n---\n# Z\n',
    });
    const bad = only(parsed, 'bad_frontmatter');
    expect(bad.map((i) => [i.file, i.line])).toEqual([
      ['docs/plans/a/epic-01-x.md', 4],
      ['docs/plans/a/epic-02-y.md', 4],
      // The parser notices the missing quote at the end; the line is kept inside the block.
      ['docs/plans/a/epic-03-z.md', 3],
    ]);
    expect(bad[1]!.message).toContain('Nested mappings are not allowed');
    expect(bad[0]!.fix).not.toBe('');
    // The bad frontmatter is dropped, the epic itself still reads.
    expect(parsed.tasks.map((t) => t.title)).toEqual(['X', 'Y', 'Z']);
  });

  it('says to quote an unquoted brace glob, at its line, whether YAML fails on it or reads a mapping', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: '---\ntitle: X\ntouches: {a,b}/**\n---\n# X\n',
      [`${P}/a/epic-02-y.md`]: '---\ntitle: Y\ntouches:\n  - src/**\n  - {a,b}.ts\n---\n# Y\n',
      [`${P}/a/epic-03-z.md`]: '---\ntitle: Z\nconflicts_with: [db/**, src/{auth,pay}/**]\n---\n# Z\n',
      [`${P}/a/epic-04-w.md`]: '---\ntitle: W\ntouches: {auth,pay}\ndeliverables: [{a,b}]\n---\n# W\n',
    });
    const got = errors(parsed).map((i) => [i.file.replace(`${P}/a/`, ''), i.line, i.fix]);
    expect(got).toEqual([
      ['epic-01-x.md', 3, '`{` starts a YAML mapping, so a glob with braces must be quoted: write `touches: "{a,b}/**"`'],
      ['epic-02-y.md', 5, '`{` starts a YAML mapping, so a glob with braces must be quoted: write `- "{a,b}.ts"`'],
      ['epic-03-z.md', 3, '`{` starts a YAML mapping, so a glob with braces must be quoted: write `conflicts_with: [db/**, "src/{auth,pay}/**"]`'],
      ['epic-04-w.md', 3, '`{` starts a YAML mapping, so a glob with braces must be quoted: write `touches: "{auth,pay}"`'],
      ['epic-04-w.md', 4, '`{` starts a YAML mapping, so a glob with braces must be quoted: write `deliverables: ["{a,b}"]`'],
    ]);
    expect(formatIssue(errors(parsed)[0]!)).toContain('docs/plans/a/epic-01-x.md:3');
  });

  it('reports fields of the wrong type with key, value and expected type', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: [
        '---',
        'priority: urgent',
        'needs_review: maybe',
        'depends_on: {a: 1}',
        'touches: [1, 2]',
        'epic: first',
        'agent: 42',
        'colour: red',
        '---',
        '# X',
      ].join('\n'),
    });
    const fields = only(parsed, 'bad_field').map((i) => [i.severity, i.line, i.message]);
    expect(fields).toEqual([
      ['error', 2, 'priority: got "urgent" (string), expected high, medium or low (or 1, 2, 3)'],
      ['error', 3, 'needs_review: got "maybe" (string), expected a boolean'],
      ['error', 4, 'depends_on: got {"a":1} (mapping), expected a task id like billing/E01 or E03, or a list of them'],
      ['error', 5, 'touches: got [1,2] (list), expected a path or glob, or a list of them'],
      ['error', 6, 'epic: got "first" (string), expected an epic number such as 5 or E05'],
      ['error', 7, 'agent: got 42 (number), expected an agent name (a backend id such as codex, or a name under [agents]: letters, digits, `_`, `.`, `-`)'],
      ['warning', 8, 'unknown frontmatter key `colour` is ignored'],
    ]);
    expect(parsed.tasks[0]!.priority).toBe('medium');
  });

  it('refuses touches globs over the limits at their line, before anything matches them (P7)', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: `---\ntitle: X\ntouches: ["src/{auth,payments}/**"]\nconflicts_with: ["${'{a,b}'.repeat(40)}"]\n---\n# X\n`,
    });
    expect(only(parsed, 'bad_field').map((i) => [i.line, i.message])).toEqual([
      [4, expect.stringMatching(/^conflicts_with: got .*expected globs within Orch's limits \(glob ".*" its braces expand to more than 64 patterns\)$/)],
    ]);
    expect(parsed.tasks[0]?.touches).toEqual(['src/{auth,payments}/**']);
  });

  it('refuses module names that cannot be ids or branch names', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: '---\nmodule: "billing/eu"\n---\n# X\n',
      [`${P}/my drafts/epic-01-y.md`]: '# Y\n',
    });
    expect(parsed.issues.map((i) => [i.severity, i.code, i.file])).toEqual([
      ['error', 'bad_field', 'docs/plans/a/epic-01-x.md'],
      ['warning', 'bad_filename', 'docs/plans/my drafts'],
    ]);
    expect(parsed.tasks.map((t) => t.id)).toEqual(['a/E01']);
  });

  it('suggests the known key for a misspelt one', async () => {
    const parsed = await plan({ [`${P}/a/epic-01-x.md`]: '---\ndepends-on: [E02]\n---\n# X\n' });
    expect(only(parsed, 'bad_field')[0]!.fix).toContain('did you mean `depends_on`?');
  });

  it('reports a bad depends_on entry at its own line', async () => {
    const parsed = await plan({ [`${P}/a/epic-01-x.md`]: '---\ndepends_on:\n  - E01\n  - billing\n---\n# X\n' });
    expect(only(parsed, 'bad_field').map((i) => [i.line, i.message])).toEqual([[4, 'depends_on: got "billing" (string), expected a task id like billing/E01 or E03, or a list of them']]);
  });

  it('reports unterminated frontmatter', async () => {
    const parsed = await plan({ [`${P}/a/epic-01-x.md`]: '---\npriority: high\n# X\n\nBody\n' });
    expect(errors(parsed).map((i) => [i.code, i.line])).toEqual([['bad_frontmatter', 1]]);
    expect(errors(parsed)[0]!.message).toContain('never closed');
  });

  it('reports a missing title', async () => {
    const parsed = await plan({ [`${P}/a/epic-01-x.md`]: '---\npriority: high\n---\nJust text.\n' });
    expect(errors(parsed).map((i) => [i.code, i.line])).toEqual([['missing_title', 4]]);
  });

  it('warns about files that look like epics but are misnamed', async () => {
    const parsed = await plan({ [`${P}/a/epic-x-foo.md`]: '# X\n', [`${P}/a/epic-01-ok.md`]: '# Ok\n' });
    expect(parsed.issues.map((i) => [i.severity, i.code, i.file])).toEqual([['warning', 'bad_filename', 'docs/plans/a/epic-x-foo.md']]);
    expect(parsed.tasks).toHaveLength(1);
  });

  it('reports a missing plans folder with what to do', async () => {
    const parsed = await plan({ 'README.md': '# repo\n' });
    expect(parsed.issues).toHaveLength(1);
    expect(parsed.issues[0]).toMatchObject({ code: 'no_plans_dir', file: 'docs/plans', line: 0 });
    expect(parsed.issues[0]!.fix).toContain('orch onboard');
    expect(formatIssue(parsed.issues[0]!)).toMatch(/^docs\/plans: plans folder/);
  });

  it('collects every problem instead of stopping at the first', async () => {
    const parsed = await plan({
      [`${P}/a/epic-01-x.md`]: '---\npriority: [\n---\n# X\n',
      [`${P}/a/epic-02-y.md`]: 'no title\n',
      [`${P}/a/epic-03-z.md`]: '# Z\n\nRequires nowhere/E01\n',
    });
    expect(errors(parsed).map((i) => i.code)).toEqual(['bad_frontmatter', 'missing_title', 'unknown_dependency']);
  });
});
