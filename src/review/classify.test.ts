import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures/index.js';
import { categories, classifyDiff, formatDecision, type Category } from './index.js';

interface Row {
  category: Category;
  support: number;
  precision: number;
  recall: number;
}

function score(pairs: ReadonlyArray<{ expected: Category; actual: Category }>): { rows: Row[]; accuracy: number } {
  const rows = categories.map((category) => {
    const tp = pairs.filter((p) => p.expected === category && p.actual === category).length;
    const predicted = pairs.filter((p) => p.actual === category).length;
    const support = pairs.filter((p) => p.expected === category).length;
    return { category, support, precision: predicted === 0 ? 1 : tp / predicted, recall: support === 0 ? 1 : tp / support };
  });
  const accuracy = pairs.filter((p) => p.expected === p.actual).length / pairs.length;
  return { rows, accuracy };
}

describe('classifyDiff on real-looking diffs', () => {
  const results = fixtures.map((f) => ({ fixture: f, decision: classifyDiff(f.diff, f.context) }));

  it.each(results.map((r) => [r.fixture.name, r] as const))('%s', (_name, { fixture, decision }) => {
    expect({ category: decision.category, explain: formatDecision(decision) }).toMatchObject({ category: fixture.expected });
    expect(decision.flagged).toBe(fixture.flagged ?? fixture.expected !== 'routine');
    if (decision.flagged) expect(decision.reasons.length).toBeGreaterThan(0);
  });

  it('reaches the accuracy and risky-category recall targets', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    const { rows, accuracy } = score(results.map((r) => ({ expected: r.fixture.expected, actual: r.decision.category })));
    const pct = (n: number) => `${(n * 100).toFixed(1)}%`.padStart(7);
    const table = [
      'category      n  precision  recall',
      ...rows.map((r) => `${r.category.padEnd(12)} ${String(r.support).padStart(3)}  ${pct(r.precision)}  ${pct(r.recall)}`),
      `accuracy ${pct(accuracy)} over ${results.length} diffs`,
    ].join('\n');
    console.log(`review routing on fixtures\n${table}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    for (const r of rows.filter((row) => row.category !== 'routine')) expect(r.recall, r.category).toBeGreaterThanOrEqual(0.9);
  });

  it('names file, rule and line for content reasons', () => {
    const aws = results.find((r) => r.fixture.name.startsWith('AWS access key'));
    expect(aws?.decision.reasons).toContainEqual(
      expect.objectContaining({ category: 'security', rule: 'security/aws-key', file: 'src/storage/s3.ts', line: 6 }),
    );
    const renamed = results.find((r) => r.fixture.name === 'renamed migration file');
    expect(renamed?.decision.reasons[0]).toMatchObject({ rule: 'migrations/renamed', file: 'migrations/0008_add_tags.sql' });
  });
});

describe('context options', () => {
  const routine = `diff --git a/src/a.ts b/src/a.ts
--- a/src/a.ts
+++ b/src/a.ts
@@ -1 +1 @@
-export const a = 1;
+export const a = 2;
`;
  it('needsReview forces a flag with its own reason', () => {
    const d = classifyDiff(routine, { needsReview: true });
    expect(d).toMatchObject({ category: 'routine', flagged: true });
    expect(d.reasons.map((r) => r.rule)).toEqual(['needs-review']);
  });

  it('project patterns match changed code lines and bad regexes flag as unsure', () => {
    const d = classifyDiff(routine, { rules: [{ category: 'security', patterns: ['const a ='], reason: 'a is sacred' }] });
    expect(d.reasons[0]).toMatchObject({ category: 'security', rule: 'project/1', file: 'src/a.ts', line: 1 });
    const bad = classifyDiff(routine, { rules: [{ category: 'security', patterns: ['(['], reason: 'broken' }] });
    expect(bad).toMatchObject({ category: 'architecture', flagged: true });
    expect(bad.reasons[0]?.detail).toMatch(/^unsure: /);
  });

  it('a review rule written with braces or classes flags the change it names (P7)', () => {
    const payments = routine.replaceAll('src/a.ts', 'src/payments/charge.ts');
    const rules = [{ category: 'security' as const, paths: ['src/{auth,payments}/**'], reason: 'money and identity' }];
    expect(classifyDiff(payments, { rules })).toMatchObject({ category: 'security', flagged: true, reasons: [{ rule: 'project/1', file: 'src/payments/charge.ts' }] });
    expect(classifyDiff(payments, { rules: [{ category: 'security', paths: ['src/[op]ayments/*.ts'], reason: 'money' }] }).category).toBe('security');
    expect(classifyDiff(routine, { rules }).flagged).toBe(false);
  });

  it('a review rule glob over the limits flags as unsure instead of letting everything through', () => {
    const d = classifyDiff(routine, { rules: [{ category: 'security', paths: ['{a,b}'.repeat(40)], reason: 'bomb' }] });
    expect(d).toMatchObject({ category: 'architecture', flagged: true, reasons: [{ rule: 'project/1/invalid' }] });
    expect(d.reasons[0]?.detail).toMatch(/^unsure: rule "bomb": glob .* braces expand to more than 64 patterns/);
  });

  it('CODEOWNERS without a review team listed changes nothing', () => {
    expect(classifyDiff(routine, { codeowners: '* @acme/core' }).flagged).toBe(false);
    expect(classifyDiff(routine, { codeowners: '/src/ @acme/core', reviewOwners: ['@ACME/core'] }).category).toBe('architecture');
  });

  it('an empty diff is routine with no reasons', () => {
    expect(classifyDiff('')).toEqual({ category: 'routine', flagged: false, reasons: [] });
  });
});

describe('properties', () => {
  const diffish = fc
    .array(
      fc.oneof(
        fc.constantFrom('diff --git a/x b/y', '--- a/x', '+++ b/x', '--- /dev/null', '+++ /dev/null', '@@ -1,3 +1,4 @@ fn auth()', '@@ -0,0 +1 @@',
          'rename from a/migrations/1.sql', 'rename to b', 'Binary files a/x and b/y differ', 'new file mode 100644', 'deleted file mode 100644',
          '+password = "hunter22"', '-export function f(a) {', '+AKIAABCDEFGHIJKLMNOP', '\\ No newline at end of file', ''),
        fc.string().map((s) => `${['+', '-', ' '][s.length % 3] ?? ''}${s}`),
        fc.string(),
      ),
      { maxLength: 40 },
    )
    .map((lines) => lines.join('\n'));

  it('never throws and every flag has a reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), diffish), fc.boolean(), (text, needsReview) => {
        const d = classifyDiff(text, { needsReview, maxChangedLines: 10 });
        expect(categories).toContain(d.category);
        if (d.flagged) expect(d.reasons.length).toBeGreaterThanOrEqual(1);
        expect(d.flagged).toBe(d.category !== 'routine' || needsReview);
        expect(typeof formatDecision(d)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});
