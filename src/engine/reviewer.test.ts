import { describe, expect, it } from 'vitest';
import type { Decision } from '../review/index.js';
import { parseVerdict, withVerdict } from './reviewer.js';

const routine: Decision = { category: 'routine', flagged: false, reasons: [] };
const security: Decision = { category: 'security', flagged: true, reasons: [{ category: 'security', rule: 'security/secret', file: 'src/a.ts', line: 3, detail: 'reads a secret' }] };

describe('reviewer agent verdicts', () => {
  it('reads the last verdict line of an answer, with reasons tagged by the reviewer', () => {
    const text = 'Looked at it.\n{"verdict": "routine"}\nOn second thought:\n{"verdict": "flag", "category": "migrations", "reasons": [{"file": "db/1.sql", "line": 2, "detail": "drops a column"}, {"file": "x"}]}';
    expect(parseVerdict(text, 'rev')).toEqual({
      agent: 'rev',
      flag: true,
      category: 'migrations',
      reasons: [{ category: 'migrations', rule: 'reviewer/rev', file: 'db/1.sql', line: 2, detail: 'drops a column' }],
    });
    expect(parseVerdict('{"verdict":"routine","reasons":[]} trailing', 'rev')).toMatchObject({ flag: false, category: 'routine' });
  });

  it('has no verdict for prose, broken JSON or an unknown answer', () => {
    expect(parseVerdict('Looks fine to me.', 'rev')).toBeUndefined();
    expect(parseVerdict('{"verdict": "flag", "reasons": [', 'rev')).toBeUndefined();
    expect(parseVerdict('{"verdict": "maybe"}', 'rev')).toBeUndefined();
  });

  it('can only add a flag: routine keeps the decision, flag adds reasons and raises the category', () => {
    expect(withVerdict(security, { agent: 'rev', flag: false, category: 'routine', reasons: [] })).toEqual(security);
    expect(withVerdict(routine, { agent: 'rev', flag: false, category: 'routine', reasons: [] })).toEqual(routine);
    const flagged = withVerdict(routine, { agent: 'rev', flag: true, category: 'architecture', reasons: [{ category: 'architecture', rule: 'reviewer/rev', file: 'src/api.ts', detail: 'changes the public API' }] });
    expect(flagged).toEqual({ category: 'architecture', flagged: true, reasons: [{ category: 'architecture', rule: 'reviewer/rev', file: 'src/api.ts', detail: 'changes the public API' }] });
    // A lower category from the reviewer never lowers the decision's.
    expect(withVerdict(security, { agent: 'rev', flag: true, category: 'architecture', reasons: [] }).category).toBe('security');
  });

  it('no usable verdict counts as a flag (when unsure, flag), with the problem as the reason', () => {
    const d = withVerdict(routine, { agent: 'rev', flag: true, category: 'routine', reasons: [], problem: 'exit code 1' });
    expect(d.flagged).toBe(true);
    expect(d.reasons[0]).toMatchObject({ rule: 'reviewer/rev', detail: expect.stringContaining('exit code 1') });
  });
});
