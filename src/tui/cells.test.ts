import { describe, expect, it } from 'vitest';
import { cells, fit } from './cells.js';
import { cleanDeep, terminalText } from './clean.js';

describe('terminal columns', () => {
  it('fit gives exactly n columns: wide characters count 2, graphemes are never split, the ellipsis fits', () => {
    for (const [s, n] of [['hello', 8], ['日本語のタイトル', 9], ['👩‍💻👩‍💻👩‍💻', 5], ['e\u0301e\u0301e\u0301e\u0301', 3], ['a\tb   c', 10], ['検索/E01', 16], ['abc', 1]] as const) {
      const out = fit(s, n);
      expect(cells(out), JSON.stringify(out)).toBe(n);
    }
    expect(fit('日本語のタイトル', 9)).toBe('日本語の…');
    expect(fit('日本語のタイトル', 10)).toBe('日本語の… ');
    expect(fit('👩‍💻👩‍💻👩‍💻', 5)).toBe('👩‍💻👩‍💻…');
    expect(fit('a very long title', 10, '...')).toBe('a very ...');
    expect(fit('ok', 5)).toBe('ok   ');
  });

  it('cells measures as Ink and terminals do: pictographs without an emoji selector are one column', () => {
    expect(['▶', '⏸', '⚠', '✓', '─', 'é', 'e\u0301'].map(cells)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(['🚀', '👩‍💻', '✅', '☀️', '日', '🇫🇷'].map(cells)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(cells('▶ ui/E01 日本')).toBe(13);
  });

  it('terminalText drops escapes and controls, expands tabs to stops of 8, keeps newlines and plain strings as they are', () => {
    const plain = 'nothing to do → ✓';
    expect(terminalText(plain)).toBe(plain);
    expect(terminalText('a\tb\tc')).toBe('a       b       c');
    expect(terminalText('12345678\tx')).toBe('12345678        x');
    expect(terminalText('\u001b[31mred\u001b[0m \u001b[2J\u001b[10;5H\u001b]0;title\u0007\u009b1mok\r\u0007\u0000end')).toBe('red okend');
    expect(terminalText('line 1\n\tline 2')).toBe('line 1\n        line 2');
    const o = { a: 'x', b: ['y', { c: 'z' }] };
    expect(cleanDeep(o)).toBe(o);
    const dirty = { a: 'x', b: ['y', { c: 'z\t' }], n: 1, u: null };
    const cleaned = cleanDeep(dirty);
    expect(cleaned).toEqual({ a: 'x', b: ['y', { c: 'z       ' }], n: 1, u: null });
    expect(cleaned.b[0]).toBe('y');
    expect(dirty.b[1]).toEqual({ c: 'z\t' });
  });
});
