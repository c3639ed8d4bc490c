import { createRequire } from 'node:module';
import type MarkdownIt from 'markdown-it';

/**
 * Which lines of a markdown text are not prose, as a CommonMark parser (markdown-it) sees them: fenced and
 * indented code blocks (in list items and blockquotes too) and HTML comments, however many lines they span. A
 * dependency written there ("Requires billing/E01" in a code sample) is not a dependency (P7).
 *
 * markdown-it is loaded on first use, and only for texts the line scanner could misread (`needsCommonMark`): a plan
 * of plain paragraphs, lists and top-level fences, the usual case, costs no parse; 2,000 such epics sync as fast
 * as before. `src/plans/commonmark.test.ts` holds the two views equal.
 */
type Parser = InstanceType<typeof MarkdownIt>;
let parser: Parser | undefined;

function markdownIt(): Parser {
  if (!parser) {
    // createRequire: parsing a plan is synchronous, and the daemon bundle need not carry markdown-it.
    const Ctor = createRequire(import.meta.url)('markdown-it') as typeof MarkdownIt;
    parser = new Ctor('commonmark');
    // Block structure only: inline parsing is most of the cost and says nothing about line ranges.
    parser.disable(['inline', 'text_join'], true);
  }
  return parser;
}

// A fence the line scanner reads exactly: at column 0, its info string free of backticks.
const PLAIN_FENCE = /^(?:`{3,}[^`]*|~{3,}.*)$/;
const FENCE_ANYWHERE = /^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*[ \t>]*(?:`{3,}|~{3,})/;

/**
 * Whether the line scanner could read `lines` differently from CommonMark: a line indented by a tab or four
 * spaces (code, or a list's content), a blockquote, an HTML block or comment, or a fence that is not at column 0
 * (in a list item, a blockquote) or whose info string holds a backtick.
 */
export function needsCommonMark(lines: readonly string[]): boolean {
  for (const line of lines) {
    const c = line.charCodeAt(0);
    // PERF: most lines start with a letter, `#` or `-`; test only those that could matter.
    if (c === 32 || c === 9) {
      if (/^(?: {0,3}\t| {4})/.test(line) || /^ {1,3}[>`~<]/.test(line) || FENCE_ANYWHERE.test(line)) return true;
    } else if (c === 62 || c === 60) return true; // `>` and `<`
    else if ((c === 96 || c === 126) && !PLAIN_FENCE.test(line) && /^(?:`{3,}|~{3,})/.test(line)) return true;
    else if (FENCE_ANYWHERE.test(line) && !/^(?:`{3,}|~{3,})/.test(line)) return true;
    if (line.includes('<!--')) return true;
  }
  return false;
}

/** true for every line inside a fenced or indented code block or an HTML comment, by markdown-it's block parse. */
export function commonMarkCodeLines(lines: readonly string[]): boolean[] {
  const mask = new Array<boolean>(lines.length).fill(false);
  for (const token of markdownIt().parse(lines.join('\n'), {})) {
    const code = token.type === 'fence' || token.type === 'code_block' || (token.type === 'html_block' && token.content.trimStart().startsWith('<!--'));
    if (!code || !token.map) continue;
    for (let i = token.map[0]; i < token.map[1] && i < lines.length; i++) mask[i] = true;
  }
  return mask;
}
