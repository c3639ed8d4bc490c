import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { needsCommonMark } from './commonmark.js';
import { codeLines, fenceLines, splitLines } from './markdown.js';
import { proseDependencies } from './prose.js';

/** The oracle: markdown-it's full parse (inline included), built here on its own. */
const md = new MarkdownIt('commonmark');
function oracle(lines: readonly string[]): boolean[] {
  const mask = new Array<boolean>(lines.length).fill(false);
  for (const t of md.parse(lines.join('\n'), {})) {
    if (!t.map || !(t.type === 'fence' || t.type === 'code_block' || (t.type === 'html_block' && t.content.trimStart().startsWith('<!--')))) continue;
    for (let i = t.map[0]; i < t.map[1]; i++) mask[i] = true;
  }
  return mask;
}

const deps = (text: string) => {
  const lines = splitLines(text);
  return proseDependencies(lines, codeLines(lines), 1).map((r) => (r.kind === 'id' ? `${r.module ?? ''}/E${r.epic}@${r.line}` : r.target));
};

describe('prose dependencies outside code, as CommonMark reads it (P7)', () => {
  const outside = 'Requires pricing/E02.';
  it.each([
    ['a fence inside a list item', ['- Step one', '', '  ```sh', '  Requires billing/E01', '  ```', '', outside]],
    ['a fence as a list item', ['1. ```', '   Requires billing/E01', '   ```', '', outside]],
    ['an indented code block', ['Intro.', '', '    Requires billing/E01', '', outside]],
    ['a tab-indented code block', ['Intro.', '', '\tRequires billing/E01', '', outside]],
    ['a multi-line HTML comment', ['<!--', 'Requires billing/E01', '-->', outside]],
    ['a fence inside a blockquote', ['> ```', '> Requires billing/E01', '> ```', '', outside]],
  ])('%s makes no dependency', (_name, lines) => {
    const text = lines.join('\n');
    const found = deps(text);
    expect(found).toEqual([`pricing/E2@${lines.indexOf(outside) + 1}`]);
  });

  it('a fence ends with its list item: a line after it at column 0 is prose again', () => {
    expect(deps(['- a', '  ```', '  Requires billing/E01', 'Requires pricing/E02'].join('\n'))).toEqual(['pricing/E2@4']);
  });

  it('the plain fence scanner alone got the four cases of the issue wrong', () => {
    const cases = [
      ['1.  Step', '', '    ```', '    Requires billing/E01', '    ```'],
      ['Intro.', '', '    Requires billing/E01'],
      ['<!--', 'Requires billing/E01', '-->'],
      ['> ```', '> Requires billing/E01', '> ```'],
    ];
    for (const lines of cases) {
      expect(proseDependencies(lines, fenceLines(lines), 1)).not.toEqual([]);
      expect(proseDependencies(lines, codeLines(lines), 1)).toEqual([]);
    }
  });

  it('agrees with markdown-it line by line on generated documents', () => {
    const word = fc.constantFrom('Requires billing/E01.', 'after E02', 'text', '# Title', '## Dependencies', '- item', '1. step', '***', '===', '`x`');
    const fenceChar = fc.constantFrom('```', '~~~', '````', '``');
    const info = fc.constantFrom('', 'ts', ' sh', 'a`b', ' ');
    const indent = fc.constantFrom('', ' ', '  ', '   ', '    ', '\t', '>', '> ', '- ', '1. ', '  - ');
    const line = fc.oneof(
      word,
      fc.tuple(indent, word).map(([i, w]) => i + w),
      fc.tuple(indent, fenceChar, info).map(([i, f, s]) => i + f + s),
      fc.constantFrom('', '', '<!--', '-->', '<!-- Requires E03 -->', '<div>', '</div>', '<pre>', '</pre>'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 14 }), (lines) => {
        // Blank lines carry no prose: where a block ends among them does not matter.
        const prose = (mask: boolean[]) => mask.map((m, i) => (lines[i]?.trim() === '' ? '' : m));
        expect(prose(codeLines(lines)), JSON.stringify(lines)).toEqual(prose(oracle(lines)));
        if (!needsCommonMark(lines)) expect(prose(fenceLines(lines))).toEqual(prose(oracle(lines)));
      }),
      { numRuns: 4000 },
    );
  });

  it('leaves plain plans to the line scanner (no parse), fences at column 0 included', () => {
    expect(needsCommonMark(['# E01', '', 'Requires billing/E01.', '', '- a', '- b', '', '```ts', 'x', '```'])).toBe(false);
    expect(needsCommonMark(['- a', '    - nested'])).toBe(true);
  });
});
