import { describe, expect, it } from 'vitest';
import { matchGlob, ownersOf, parseCodeowners, parseDiff } from './index.js';

describe('parseDiff', () => {
  it('numbers added lines in the new file and removed lines at their new-file position', () => {
    const [f] = parseDiff(`diff --git a/src/x.ts b/src/x.ts
index 1..2 100644
--- a/src/x.ts
+++ b/src/x.ts
@@ -10,4 +10,5 @@ function x() {
 a
-b
+B
+C
 --- not a header, a context line
`);
    expect(f).toMatchObject({ path: 'src/x.ts', status: 'modified', binary: false });
    expect(f?.added).toEqual([{ line: 11, text: 'B' }, { line: 12, text: 'C' }]);
    expect(f?.removed).toEqual([{ line: 11, oldLine: 11, text: 'b' }]);
    expect(f?.sections).toEqual([{ line: 10, text: 'function x() {' }]);
  });

  it('keeps a removed SQL comment line that looks like a file header', () => {
    const [f] = parseDiff('diff --git a/q.sql b/q.sql\n--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,1 @@\n--- old note\n select 1;\n');
    expect(f?.removed).toEqual([{ line: 1, oldLine: 1, text: '-- old note' }]);
  });

  it('reads renames, deletions, binaries and quoted paths', () => {
    const files = parseDiff(`diff --git a/db/1.sql b/db/2.sql
similarity index 100%
rename from db/1.sql
rename to db/2.sql
diff --git a/old.ts b/old.ts
deleted file mode 100644
--- a/old.ts
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git "a/docs/caf\\303\\251 menu.png" "b/docs/caf\\303\\251 menu.png"
new file mode 100644
Binary files /dev/null and "b/docs/caf\\303\\251 menu.png" differ
diff --git a/with space.txt b/with space.txt
old mode 100644
new mode 100755
`);
    expect(files.map((f) => [f.path, f.oldPath, f.status, f.binary])).toEqual([
      ['db/2.sql', 'db/1.sql', 'renamed', false],
      ['old.ts', undefined, 'deleted', false],
      ['docs/café menu.png', undefined, 'added', true],
      ['with space.txt', undefined, 'modified', false],
    ]);
  });

  it('accepts plain diff -u output and CRLF line endings', () => {
    const [f] = parseDiff('--- a/a.txt\t2024-01-01\r\n+++ b/a.txt\t2024-01-02\r\n@@ -1 +1 @@\r\n-x\r\n+y\r\n');
    expect(f).toMatchObject({ path: 'a.txt', status: 'modified', added: [{ line: 1, text: 'y' }] });
  });
});

describe('globs and CODEOWNERS', () => {
  it.each([
    ['*.sql', 'db/x/1.sql', true],
    ['/docs/', 'docs/a/b.md', true],
    ['docs/', 'src/docs/a.md', true],
    ['/docs/', 'src/docs/a.md', false],
    ['src/billing/**', 'src/billing/a/b.ts', true],
    ['**/migrations/*.py', 'app/migrations/0001.py', true],
    ['src/*.ts', 'src/a/b.ts', false],
    ['apps/web', 'apps/web/index.ts', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });

  it('lets the last matching CODEOWNERS line win', () => {
    const rules = parseCodeowners('* @org/all\n/src/auth/ @org/security # sensitive\n/src/auth/README.md @org/docs\n');
    expect(ownersOf(rules, 'src/auth/login.ts')?.owners).toEqual(['@org/security']);
    expect(ownersOf(rules, 'src/auth/README.md')?.owners).toEqual(['@org/docs']);
    expect(ownersOf(rules, 'lib/x.ts')?.line).toBe(1);
  });
});
