import { commonMarkCodeLines, needsCommonMark } from './commonmark.js';

/** Lines without their `\n` or `\r\n`. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (!text.includes('\r')) return lines;
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/**
 * true for every line that is not prose: fenced and indented code blocks (fences included) and HTML comments,
 * in list items and blockquotes too, as CommonMark reads them. Texts where the plain scanner below could differ
 * go to markdown-it (see commonmark.ts).
 */
export function codeLines(lines: readonly string[]): boolean[] {
  return needsCommonMark(lines) ? commonMarkCodeLines(lines) : fenceLines(lines);
}

/**
 * The plain scanner, exact for texts without indented lines, blockquotes, HTML or fences off column 0: a fence
 * is three or more backticks or tildes, closed by at least as many of the same character; an unclosed fence
 * runs to the end.
 */
export function fenceLines(lines: readonly string[]): boolean[] {
  const mask: boolean[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const line of lines) {
    const match = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      mask.push(true);
      if (match && match[1]![0] === fence.char && match[1]!.length >= fence.length && line.trim() === match[1]) fence = undefined;
      continue;
    }
    if (match) fence = { char: match[1]![0]!, length: match[1]!.length };
    mask.push(fence !== undefined);
  }
  return mask;
}

export interface Heading {
  level: number;
  text: string;
}

/** An ATX heading (`## Text ##`), or undefined. Done with string operations to stay linear on any input. */
export function heading(line: string): Heading | undefined {
  // PERF: called for every line, several times; most lines start with neither `#` nor a space.
  const first = line.charCodeAt(0);
  if (first !== 35 && first !== 32) return undefined;
  const match = /^ {0,3}(#{1,6})(?=[ \t]|$)/.exec(line);
  if (!match) return undefined;
  let text = line.slice(match[0].length).trim();
  const closing = /(?:^|[ \t])#+$/.exec(text);
  if (closing) text = text.slice(0, closing.index).trim();
  return { level: match[1]!.length, text };
}

/** The first H1 outside code (ATX, or setext `Title` over `===`), with its 0-based line index. */
export function findTitle(lines: readonly string[], code: readonly boolean[]): { title: string; index: number } | undefined {
  for (let i = 0; i < lines.length; i++) {
    if (code[i]) continue;
    const h = heading(lines[i]!);
    if (h?.level === 1 && h.text !== '') return { title: h.text, index: i };
    const next = lines[i + 1];
    if (next !== undefined && !code[i + 1] && /^ {0,3}=+[ \t]*$/.test(next) && lines[i]!.trim() !== '' && !h) {
      return { title: lines[i]!.trim(), index: i + 1 };
    }
  }
  return undefined;
}

const SUMMARY_HEADING = /^(?:summary|overview|description)\s*:?$/i;

/**
 * The content of a Summary/Overview/Description section (up to the next heading of the same or a higher
 * level), else the first paragraph after `after` (the title's line): blank lines, headings, HTML comments
 * and code blocks before it are skipped, and it ends at a blank line, a heading or a fence.
 */
export function findDescription(lines: readonly string[], code: readonly boolean[], after: number): string {
  for (let i = 0; i < lines.length; i++) {
    if (code[i]) continue;
    const h = heading(lines[i]!);
    if (!h || !SUMMARY_HEADING.test(h.text)) continue;
    const body: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const inner = code[j] ? undefined : heading(lines[j]!);
      if (inner && inner.level <= h.level) break;
      body.push(lines[j]!);
    }
    const text = body.join('\n').trim();
    if (text !== '') return text;
  }
  const paragraph: string[] = [];
  for (let i = after + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const blank = line.trim() === '';
    const skip = code[i] || heading(line) !== undefined || /^\s*<!--.*-->\s*$/.test(line) || /^ {0,3}=+[ \t]*$/.test(line);
    if (paragraph.length === 0) {
      if (blank || skip) continue;
    } else if (blank || skip) {
      break;
    }
    paragraph.push(line.trim());
  }
  return paragraph.join('\n');
}
