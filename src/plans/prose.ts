import { heading } from './markdown.js';

/** A dependency written in an epic's text. `module` absent: the epic's own module. */
export type ProseRef =
  | { kind: 'id'; module?: string; epic: number; line: number; text: string; loose: boolean }
  | { kind: 'link'; target: string; line: number; text: string };

// "Requires", "Depends on", "After", "Blocked by", "Needs", "Prerequisite(s)", and close variants.
const KEYWORD = /\b(?:requires?|required|depends?\s+on|dependent\s+on|depending\s+on|after|blocked\s+by|needs|prerequisites?)\b/gi;
// A negation right before the keyword, at most one word between: "does not depend on", "no longer requires";
// but "don't start until after billing/E01" is a dependency.
const NEGATED = /(?:\b(?:not|no|never|without)|n['’]t)(?:\s+[\w-]+)?\s+$/i;
const LIST_HEADING = /^(?:dependencies|dependency|depends\s+on|prerequisites?|requires|blocked\s+by)\s*:?$/i;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s+/;

// Sticky patterns, tried at one position each; none can backtrack over more than one run of characters.
const FILLER = /[\s*_`:]*(?:the\s+)?[*_`]*/iy;
const LINK = /\[[^[\]\n]*\]\(([^()\s]*)\)/y;
const MODULE_REF = /(?!E\d|Epic\s*\d)([A-Za-z][\w.-]*)(\s*\/\s*|\s+module(?:['’]s)?\s+|['’]s\s+|\s+)(?:E|Epic\s*)(\d{1,9})(?![\w/])/iy;
const BARE_REF = /(?:E|Epic\s*)(\d{1,9})(?![\w/])/iy;
const SEPARATOR = /[*_`)\]]*\s*(?:,|;|&|\band\b|\+)?\s*/iy;

/**
 * Dependencies written in prose, outside code: "Requires billing/E01", "Depends on technical E03",
 * "depends on the technical module's E03", "After pricing/E02", "Requires: billing/E01, pricing/E02",
 * "Blocked by billing E01", "Needs technical/E3", "Prerequisite: E02" (same module), a link to an epic file
 * after such a word, and list items under a "Dependencies:" line or heading. The id must follow the keyword
 * directly, so a mention ("see billing/E01 for context") is not a dependency, nor is a negated one
 * ("does not depend on billing/E01"). `firstLine` is the file line of `lines[0]`.
 */
export function proseDependencies(lines: readonly string[], code: readonly boolean[], firstLine: number): ProseRef[] {
  const refs: ProseRef[] = [];
  // Level of the "Dependencies" heading we are under (0 = a "Dependencies:" line), or undefined.
  let listLevel: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (code[i]) continue;
    const line = lines[i]!;
    const lineNo = firstLine + i;
    const h = heading(line);
    if (h) {
      if (listLevel !== undefined && (listLevel === 0 || h.level <= listLevel)) listLevel = undefined;
      if (LIST_HEADING.test(h.text.replace(/[*_`]/g, ''))) {
        listLevel = h.level;
        continue;
      }
    }
    if (listLevel === 0 && line.trim() !== '' && !LIST_ITEM.test(line)) listLevel = undefined;
    if (listLevel !== undefined) {
      const item = LIST_ITEM.exec(line);
      if (item && readRefs(line, item[0].length, lineNo, refs) > 0) continue;
    }
    // PERF: an exec loop, not matchAll, which clones the regex for every line.
    KEYWORD.lastIndex = 0;
    for (let match = KEYWORD.exec(line); match; match = KEYWORD.exec(line)) {
      const before = line.slice(Math.max(0, match.index - 30), match.index);
      if (NEGATED.test(before)) continue;
      const end = match.index + match[0].length;
      // "Requires:" alone on its line introduces a list.
      if (readRefs(line, end, lineNo, refs) === 0 && /^[\s*_`]*:[\s*_`]*$/.test(line.slice(end))) listLevel = 0;
    }
  }
  return refs;
}

/** Reads a run of references at `pos` ("billing/E01, pricing/E02 and E03"); returns how many. */
function readRefs(line: string, pos: number, lineNo: number, out: ProseRef[]): number {
  let count = 0;
  for (;;) {
    FILLER.lastIndex = pos;
    FILLER.exec(line);
    pos = FILLER.lastIndex;
    const ref = readRef(line, pos, lineNo);
    if (!ref) return count;
    out.push(ref.ref);
    count++;
    SEPARATOR.lastIndex = ref.end;
    SEPARATOR.exec(line);
    pos = SEPARATOR.lastIndex;
  }
}

function readRef(line: string, pos: number, lineNo: number): { ref: ProseRef; end: number } | undefined {
  LINK.lastIndex = pos;
  const link = LINK.exec(line);
  if (link) {
    const target = link[1]!;
    if (!/\.md(?:#.*)?$/i.test(target) || /^[a-z]+:/i.test(target)) return undefined;
    return { ref: { kind: 'link', target, line: lineNo, text: link[0] }, end: LINK.lastIndex };
  }
  MODULE_REF.lastIndex = pos;
  const full = MODULE_REF.exec(line);
  if (full) {
    // "technical E03" could be "completing E03"; only "/", "module" and "'s" say for sure it names a module.
    const loose = /^\s+$/.test(full[2]!);
    const ref: ProseRef = { kind: 'id', module: full[1]!, epic: Number(full[3]), line: lineNo, text: full[0], loose };
    return { ref, end: MODULE_REF.lastIndex };
  }
  BARE_REF.lastIndex = pos;
  const bare = BARE_REF.exec(line);
  if (bare) return { ref: { kind: 'id', epic: Number(bare[1]), line: lineNo, text: bare[0], loose: false }, end: BARE_REF.lastIndex };
  return undefined;
}
