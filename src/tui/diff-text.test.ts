import { describe, expect, it } from 'vitest';
import { diffText } from './diff-text.js';

describe('diffText', () => {
  it('writes a parsed change as unified text, a hunk mark where the lines jump, and says when it was cut', () => {
    const r = diffText({
      runId: 'r1',
      taskId: 'a/E01',
      base: 'b',
      head: 'h',
      verification: null,
      files: [
        {
          path: 'src/a.ts',
          status: 'modified',
          binary: false,
          additions: 1,
          deletions: 1,
          truncated: false,
          lines: [
            { kind: 'ctx', line: 1, oldLine: 1, text: 'const a = 1;' },
            { kind: 'del', line: 2, oldLine: 2, text: 'old();' },
            { kind: 'add', line: 2, text: 'fresh();' },
            { kind: 'ctx', line: 40, oldLine: 40, text: 'end();' },
          ],
        },
        { path: 'img.png', status: 'added', binary: true, additions: 0, deletions: 0, truncated: true, lines: [] },
      ],
    });
    expect(r.text.split('\n')).toEqual([
      '--- src/a.ts',
      '+++ src/a.ts  (modified, +1 -1)',
      '@@ line 1 @@',
      ' const a = 1;',
      '-old();',
      '+fresh();',
      '@@ line 40 @@',
      ' end();',
      '--- img.png',
      '+++ img.png  (added, +0 -0)',
      ' (binary file)',
    ]);
    expect(r.truncated).toBe(true);
  });
});
