import { splitFrontmatter } from './frontmatter.js';
import type { PlanStatus } from './types.js';

const MARKER = /^\s*<!--\s*orch:([^]*?)-->\s*$/;

/** `status=complete, pr=#142` -> { status: 'complete', pr: '#142' }; undefined when the line is no marker. */
export function parseMarker(line: string): Record<string, string> | undefined {
  const match = MARKER.exec(line);
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  for (const part of match[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    if (key !== '') fields[key] = part.slice(eq + 1).trim();
  }
  return fields;
}

/** The marker on the first non-blank line of an epic body, if any. */
export function readMarker(bodyLines: readonly string[]): Record<string, string> | undefined {
  const first = bodyLines.find((line) => line.trim() !== '');
  return first === undefined ? undefined : parseMarker(first);
}

/** A marker's `status` as a plan status; unknown words are ignored rather than guessed. */
export function markerStatus(value: string | undefined): PlanStatus | undefined {
  switch (value?.trim().toLowerCase().replace(/[-\s]/g, '_')) {
    case 'complete':
    case 'completed':
    case 'done':
    case 'merged':
      return 'complete';
    case 'in_progress':
    case 'started':
    case 'running':
      return 'in_progress';
    case 'not_started':
    case 'todo':
    case 'failed':
      return 'not_started';
    default:
      return undefined;
  }
}

/**
 * Writes `<!-- orch: k=v, ... -->` as the first line of the epic (after frontmatter), replacing an existing
 * marker there. The fields replace the old marker's whole (a field left out disappears); no fields removes
 * the marker. Values lose commas, `-->` and line breaks, which the format cannot carry. The file's line
 * ending (CRLF or LF) and everything else are kept.
 */
export function setEpicMarker(content: string, fields: Record<string, string>): string {
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const bom = content.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = content.slice(bom.length);
  const split = splitFrontmatter(text);
  const bodyStart = split.kind === 'block' ? text.length - split.body.length : 0;
  // A closing `---` on the last line has no line break after it yet.
  const head = bom + text.slice(0, bodyStart) + (bodyStart > 0 && !text.slice(0, bodyStart).endsWith('\n') ? eol : '');
  let body = text.slice(bodyStart);

  const entries = Object.entries(fields)
    .map(([key, value]) => [key.replace(/[^\w.-]/g, ''), clean(value)] as const)
    .filter(([key]) => key !== '');
  const marker = entries.length === 0 ? undefined : `<!-- orch: ${entries.map(([k, v]) => `${k}=${v}`).join(', ')} -->`;

  // Every marker at the top goes (a duplicate would otherwise surface on the next call); the new one takes
  // the place of the first.
  let at: number | undefined;
  for (let line = firstNonBlankLine(body); line && parseMarker(line.line) !== undefined; line = firstNonBlankLine(body)) {
    at ??= line.start;
    body = body.slice(0, line.start) + body.slice(line.next);
  }
  if (marker === undefined) return at === undefined ? content : head + body;
  const insertAt = at ?? 0;
  return head + body.slice(0, insertAt) + marker + eol + body.slice(insertAt);
}

function clean(value: string): string {
  return value.replace(/-->|[,\r\n]/g, ' ').trim();
}

function firstNonBlankLine(text: string): { line: string; start: number; end: number; next: number } | undefined {
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl === -1 ? text.length : nl + 1;
    const end = nl > start && text[nl - 1] === '\r' ? nl - 1 : nl === -1 ? text.length : nl;
    const line = text.slice(start, end);
    if (line.trim() !== '') return { line, start, end, next };
    start = next;
  }
  return undefined;
}
