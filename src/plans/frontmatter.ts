import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { braceFix, commonYamlFix } from './quote-hint.js';
import { parseSimpleYaml } from './simple-yaml.js';

/** Where each top-level key sits: the key's line and, for a list, each item's line (file lines, 1-based). */
export type KeyLines = Map<string, { line: number; items: number[] }>;

export type FrontmatterSplit =
  | { kind: 'none'; body: string; bodyLine: number }
  | { kind: 'unterminated'; body: string; bodyLine: number }
  | { kind: 'block'; yaml: string; yamlLine: number; body: string; bodyLine: number };

const OPEN = /^---[ \t]*$/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Splits `---` frontmatter off the top of a file. `bodyLine` is the file line the body starts on.
 * An opening `---` without a closing one leaves the whole text as body, flagged `unterminated`.
 */
export function splitFrontmatter(text: string): FrontmatterSplit {
  const firstEnd = lineEnd(text, 0);
  if (!OPEN.test(text.slice(0, firstEnd.end))) return { kind: 'none', body: text, bodyLine: 1 };
  let start = firstEnd.next;
  let line = 2;
  while (start < text.length) {
    const { end, next } = lineEnd(text, start);
    if (CLOSE.test(text.slice(start, end))) {
      return { kind: 'block', yaml: text.slice(firstEnd.next, start), yamlLine: 2, body: text.slice(next), bodyLine: line + 1 };
    }
    start = next;
    line++;
  }
  return { kind: 'unterminated', body: text, bodyLine: 1 };
}

function lineEnd(text: string, from: number): { end: number; next: number } {
  const nl = text.indexOf('\n', from);
  if (nl === -1) return { end: text.length, next: text.length };
  return { end: nl > from && text[nl - 1] === '\r' ? nl - 1 : nl, next: nl + 1 };
}

export type YamlResult =
  | { ok: true; data: Record<string, unknown>; lines: KeyLines }
  | {
      ok: false;
      line: number;
      message: string;
      /** Refused by a size or depth limit before parsing. */
      limit?: true;
      /** What to write instead, when Orch knows (an unquoted brace glob). */
      fix?: string;
    };

/**
 * Parses a frontmatter block into a plain object. Lines are file lines (`yamlLine` is where the block starts).
 * PERF: the `yaml` parser costs ~55 us per small document warm and ~200 us cold, which alone would eat most
 * of the 1 s budget for 5,000 epics; the common flat `key: value` form goes through a small exact parser
 * first and only what it declines reaches `yaml`.
 */
export function parseFrontmatterYaml(raw: string, yamlLine: number): YamlResult {
  const tooMuch = beyondLimits(raw, yamlLine);
  if (tooMuch) return tooMuch;
  // CRLF files would otherwise all take the slow path; the line count does not change.
  const yaml = raw.includes('\r\n') ? raw.replace(/\r\n/g, '\n') : raw;
  const simple = parseSimpleYaml(yaml, yamlLine);
  if (simple) return { ok: true, ...simple };
  return parseWithYaml(yaml, yamlLine);
}

/** Frontmatter is a handful of keys: beyond these limits it is refused before any YAML parser sees it. */
export const MAX_FRONTMATTER_BYTES = 32 * 1024;
export const MAX_FRONTMATTER_DEPTH = 16;

/**
 * Deeply nested YAML (`[[[[...]]]]`) costs the parser time and memory far beyond its size: about 200 KB of it took
 * V8 out of memory, which no `try` catches. This scan is linear and errs on the side of refusing: every bracket
 * counts, quoted or not, and so does every indentation column.
 */
function beyondLimits(yaml: string, yamlLine: number): Extract<YamlResult, { ok: false }> | undefined {
  if (yaml.length > MAX_FRONTMATTER_BYTES) {
    return { ok: false, limit: true, line: yamlLine, message: `frontmatter is ${Math.ceil(yaml.length / 1024)} KB, over the ${MAX_FRONTMATTER_BYTES / 1024} KB allowed` };
  }
  let depth = 0;
  let line = yamlLine;
  let column = 0;
  // The leading part of a line: indentation and the `- ` / `? ` indicators that nest on one line (`- - - x`).
  let lead = true;
  let compact = 0;
  for (let i = 0; i < yaml.length; i++) {
    const c = yaml.charCodeAt(i);
    if (c === 10) {
      line++;
      column = 0;
      lead = true;
      compact = 0;
      continue;
    }
    column++;
    if (lead) {
      const indicator = (c === 45 || c === 63) && (i + 1 >= yaml.length || yaml.charCodeAt(i + 1) === 32 || yaml.charCodeAt(i + 1) === 10);
      if (indicator && ++compact > MAX_FRONTMATTER_DEPTH) return nested(line);
      if (!indicator && c !== 32 && c !== 9) {
        lead = false;
        if (column - 1 > MAX_FRONTMATTER_DEPTH * 4) return nested(line);
      }
    }
    if (c === 91 || c === 123) {
      if (++depth > MAX_FRONTMATTER_DEPTH) return nested(line);
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}

function nested(line: number): Extract<YamlResult, { ok: false }> {
  return { ok: false, limit: true, line, message: `frontmatter nests deeper than ${MAX_FRONTMATTER_DEPTH} levels` };
}

function parseWithYaml(yaml: string, yamlLine: number): YamlResult {
  const counter = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  // Errors found at the end of input point one past the last line; keep them inside the block.
  const lastLine = yamlLine + Math.max(0, yaml.replace(/\n$/, '').split('\n').length - 1);
  const lineOf = (offset: number) => Math.min(counter.linePos(offset).line + yamlLine - 1, lastLine);
  const error = doc.errors[0];
  if (error) {
    const line = lineOf(error.pos[0]);
    const fix = braceFix(yaml, line - yamlLine + 1) ?? commonYamlFix(yaml, line - yamlLine + 1, yamlLine);
    return { ok: false, line, message: firstLine(error.message), ...(fix ? { fix } : {}) };
  }
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { ok: true, data: {}, lines: new Map() };
  if (!isMap(contents)) {
    return { ok: false, line: lineOf(contents.range?.[0] ?? 0), message: 'frontmatter must be a mapping of `key: value` lines' };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (cause) {
    return { ok: false, line: yamlLine, message: cause instanceof Error ? firstLine(cause.message) : String(cause) };
  }
  const lines: KeyLines = new Map();
  for (const pair of contents.items) {
    const key = pair.key as Node | null;
    if (!isScalar(key)) continue;
    const value = pair.value as Node | null;
    const items = isSeq(value) ? value.items.map((item) => lineOf((item as Node | null)?.range?.[0] ?? 0)) : [];
    lines.set(String(key.value), { line: lineOf(key.range?.[0] ?? 0), items });
  }
  return { ok: true, data: data as Record<string, unknown>, lines };
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
