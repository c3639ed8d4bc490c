import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRootDir } from '../harness.js';

// The fast paths tools/bundle-tui.mjs adds to Ink's width and tokenizer hold only if each "narrow" character is what
// the slow paths say it is: one column, its own grapheme. Checked here against the very modules the bundle patches.
const { NARROW_RANGES, narrowClass } = (await import(join(repoRootDir, 'tools/narrow-chars.mjs'))) as { NARROW_RANGES: Array<[number, number]>; narrowClass: () => string };
const chars = NARROW_RANGES.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCharCode(a + i)));
const hex = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
type Token = { type: 'ansi'; code: string } | { type: 'char'; value: string; fullWidth: boolean };

describe('narrow characters (tools/narrow-chars.mjs)', () => {
  it('are one column for each string-width copy the bundle patches, alone and between letters', async () => {
    expect(chars.length).toBeGreaterThan(500);
    for (const owner of ['ink', 'widest-line', 'cli-truncate']) {
      const { default: stringWidth } = (await import(join(repoRootDir, 'node_modules', owner, 'node_modules/string-width/index.js'))) as { default: (s: string) => number };
      const wrong = chars.filter((c) => stringWidth(c) !== 1 || stringWidth(`a${c}b`) !== 3);
      expect(wrong.map(hex), owner).toEqual([]);
      expect(stringWidth(chars.join('')), owner).toBe(chars.length);
    }
  });

  it('are one grapheme each for ansi-tokenize, never full width, between styles as well', async () => {
    const { tokenize } = (await import(join(repoRootDir, 'node_modules/@alcalzone/ansi-tokenize/build/tokenize.js'))) as { tokenize: (s: string) => Token[] };
    const text = chars.join('');
    const tokens = tokenize(`\u001b[1;31m${text}\u001b[39m${text}`);
    const cells = tokens.filter((t): t is Extract<Token, { type: 'char' }> => t.type === 'char');
    expect(cells.map((t) => t.value)).toEqual([...chars, ...chars]);
    expect(cells.filter((t) => t.fullWidth).map((t) => hex(t.value))).toEqual([]);
    expect(tokens.filter((t) => t.type === 'ansi').map((t) => (t as { code: string }).code)).toEqual(['\u001b[1m', '\u001b[31m', '\u001b[39m']);
  });

  it('the bundle `orch tui` loads takes the fast paths for them', () => {
    const bundle = readFileSync(join(repoRootDir, 'dist/src/tui/bundle.js'), 'utf8');
    expect(bundle.split(`if (/^[${narrowClass()}]*$/.test(string)) {`).length - 1).toBe(3);
    expect(bundle).toContain('const narrow = orchTokenizeNarrow(str, endChar);');
  });
});
