import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { checkGlob, checkGlobs, expandBraces, GLOB_LIMITS, matchGlob, matchGlobCounted } from './index.js';

describe('glob semantics', () => {
  it.each([
    ['src/{auth,payments}/**', 'src/payments/charge.ts', true],
    ['src/{auth,payments}/**', 'src/auth/a/b.ts', true],
    ['src/{auth,payments}/**', 'src/pay/charge.ts', false],
    ['src/{auth,pay{ments,outs}}/*.ts', 'src/payouts/x.ts', true],
    ['{src,lib}/db/**', 'lib/db/x.sql', true],
    ['a/{b,c/d}/e', 'a/c/d/e', true],
    ['db/00{1..3}.sql', 'db/002.sql', true],
    ['db/00{1..3}.sql', 'db/004.sql', false],
    ['src/[ab]*.ts', 'src/bx.ts', true],
    ['src/[!ab]*.ts', 'src/bx.ts', false],
    ['src/[^ab]*.ts', 'src/cx.ts', true],
    ['src/[a-c]x.ts', 'src/bx.ts', true],
    ['src/[[:digit:]]*.ts', 'src/1x.ts', true],
    ['src/a?c.ts', 'src/abc.ts', true],
    ['src/a?c.ts', 'src/a/c.ts', false],
    ['src/a\\*b', 'src/a*b', true],
    ['src/a\\*b', 'src/axb', false],
    ['src/a{b}', 'src/a{b}', true],
    ['*.sql', 'db/x/1.sql', true],
    ['**', 'any/thing', true],
    ['**/.env', '.env', true],
    ['src/**', 'src/.github/x', true],
    ['/docs/', 'docs/a/b.md', true],
    ['docs/', 'src/docs/a.md', true],
    ['/docs/', 'src/docs/a.md', false],
    ['docs/', 'docs', false],
    ['apps/web', 'apps/web/index.ts', true],
    ['apps/web', 'apps/webby/index.ts', false],
    ['src/*.ts', 'src/a/b.ts', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });

  it('keeps the semantics of picomatch (dot: true) plus gitignore directory prefixes', () => {
    const seg = fc.oneof(
      fc.constant('**'),
      fc.array(fc.constantFrom('a', 'b', '.', '*', '?', '[ab]', '[^a]', '[a-b]', '{a,b}', '{b,ab}', '{,a}b'), { minLength: 1, maxLength: 4 }).map((t) => t.join('')),
    );
    // Anchored patterns (two or more segments), without picomatch's `.`/`..` segment special cases, and without `**`
    // inside a segment, which picomatch reads as a globstar when a brace follows (`**{,a}b` matches `a/a.b`).
    const pattern = fc
      .array(seg, { minLength: 2, maxLength: 4 })
      .map((s) => s.join('/'))
      .filter((p) => !/(^|\/)\.{1,2}(\/|$)/.test(p) && !/[^/]\*\*|\*\*[^/]/.test(p));
    const path = fc.array(fc.constantFrom('a', 'b', 'ab', 'ba', '.a', 'a.b', 'aa'), { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(pattern, path, (p, s) => {
        // picomatch lets `a/**` match `a` but not `*/**` match `a`; here a trailing `**` always matches no segment too.
        const n = p.replace(/(^|\/)\*\*(?:\/\*\*)+(?=\/|$)/g, '$1**');
        const variants = [n, `${n}/**`, ...(n.endsWith('/**') ? [n.slice(0, -3)] : [])];
        const pm = variants.some((v) => picomatch.isMatch(s, v, { dot: true }));
        expect(matchGlob(p, s), `${p} vs ${s}`).toBe(pm);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('glob cost and limits', () => {
  const cases: [string, string, boolean][] = [
    // Each took seconds or never ended as a regular expression (the old matcher, or picomatch.makeRe).
    [`${'**/'.repeat(12)}x`, `${'a/'.repeat(30)}y`, false],
    [`${'**/'.repeat(12)}x`, `${'a/'.repeat(30)}x`, true],
    [`${'**/a/'.repeat(12)}b`, `${'a/'.repeat(2000)}c`, false],
    [`${'**/a/'.repeat(12)}b`, `${'a/'.repeat(2000)}b`, true],
    [`${'**a'.repeat(12)}b`, 'a'.repeat(255), false],
    [`${'*a'.repeat(12)}b`, 'a'.repeat(255), false],
    [`${'*a'.repeat(12)}b`, `${'a'.repeat(254)}b`, true],
  ];
  it.each(cases)('%s against a %#th adversarial path completes with the right answer in bounded steps', (pattern, path, expected) => {
    const steps = { n: 0 };
    expect(matchGlobCounted(pattern, path, steps)).toBe(expected);
    // Polynomial: never more than (pattern length + 2) x (path length + 2) steps, here well under a million.
    expect(steps.n).toBeLessThanOrEqual((pattern.length + 2) * (path.length + 2));
  });

  it('refuses patterns over the limits with a reason, before any matching', () => {
    expect(checkGlob('x'.repeat(GLOB_LIMITS.length + 1))).toMatch(/is 513 characters long; at most 512/);
    expect(checkGlob('{a,b}'.repeat(40))).toMatch(/braces expand to more than 64 patterns/);
    expect(checkGlob('@(a|b)/**')).toMatch(/extglob/);
    expect(checkGlob('!src/**')).toMatch(/negated/);
    expect(checkGlob('src/{auth,payments}/**')).toBeUndefined();
    expect(checkGlobs(Array.from({ length: GLOB_LIMITS.count + 1 }, (_, i) => `f${i}`))).toMatch(/201 globs; at most 200/);
    expect(matchGlob('{a,b}'.repeat(40), 'a'.repeat(40))).toBe(false);
    expect(matchGlobCounted('src/**', `src/${'a'.repeat(GLOB_LIMITS.pathLength)}`)).toBe('tooLong');
  });

  it('expands braces lazily and stops at the limit', () => {
    expect(expandBraces('{a,b}{c,d}', 10)).toEqual({ ok: true, patterns: ['ac', 'ad', 'bc', 'bd'] });
    expect(expandBraces('{a,b}'.repeat(60), 64)).toMatchObject({ ok: false });
    expect(expandBraces('a{b}c[{]x', 4)).toEqual({ ok: true, patterns: ['a{b}c[{]x'] });
  });
});
