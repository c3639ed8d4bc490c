import type { KeyLines } from './frontmatter.js';

/**
 * An exact parser for the frontmatter most people write: flat `key: value` lines, `key: [a, b]` and
 * `key:` followed by `- item` lines, with plain (unquoted) scalars. It returns what `yaml.parse` would
 * (YAML 1.2 core schema) or undefined for anything else, which then goes to the real parser. Declining is
 * always safe, so every rule below errs on the side of declining.
 */
export function parseSimpleYaml(text: string, firstLine: number): { data: Record<string, unknown>; lines: KeyLines } | undefined {
  // Comments, tabs, control characters and non-ASCII space all have YAML rules of their own.
  if (/[#\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(text)) return undefined;
  const data: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const lines: KeyLines = new Map();
  const rows = text.split('\n');
  let listKey: string | undefined;
  let listIndent = -1;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const line = firstLine + i;
    if (row.trim() === '') continue;
    const item = /^( *)- (.*)$/.exec(row);
    if (item) {
      if (listKey === undefined) return undefined;
      if (listIndent === -1) listIndent = item[1]!.length;
      else if (item[1]!.length !== listIndent) return undefined;
      const value = plainScalar(item[2]!, false);
      if (value === DECLINE) return undefined;
      const list = (data[listKey] ??= []) as unknown[];
      list.push(value);
      lines.get(listKey)!.items.push(line);
      continue;
    }
    const pair = /^([A-Za-z_][\w-]*):(?: (.*))?$/.exec(row);
    if (!pair) return undefined;
    const key = pair[1]!;
    if (key in data || key === '__proto__' || RESERVED_KEY.test(key)) return undefined;
    const raw = (pair[2] ?? '').trim();
    lines.set(key, { line, items: [] });
    if (raw === '') {
      // Null unless `- item` lines follow, which turn it into a list.
      data[key] = null;
      listKey = key;
      listIndent = -1;
      continue;
    }
    listKey = undefined;
    const value = raw.startsWith('[') ? flowList(raw, line, lines.get(key)!.items) : plainScalar(raw, false);
    if (value === DECLINE) return undefined;
    data[key] = value;
  }
  return { data: { ...data }, lines };
}

const DECLINE = Symbol('decline');
// Keys the core schema would read as null or a boolean.
const RESERVED_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

function flowList(raw: string, line: number, itemLines: number[]): unknown[] | typeof DECLINE {
  if (!raw.endsWith(']')) return DECLINE;
  const inner = raw.slice(1, -1).trim();
  if (inner === '') return [];
  const out: unknown[] = [];
  for (const part of inner.split(',')) {
    if (part.trim() === '') return DECLINE;
    const value = plainScalar(part.trim(), true);
    if (value === DECLINE) return DECLINE;
    out.push(value);
    itemLines.push(line);
  }
  return out;
}

const INDICATORS = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/** A plain scalar resolved with the YAML 1.2 core schema, or DECLINE for anything not obviously plain. */
function plainScalar(raw: string, inFlow: boolean): unknown {
  const text = raw.trim();
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^(?:0|-?[1-9]\d*)$/.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : DECLINE;
  }
  // Floats, dates, octal/hex, .inf and the like: leave them to the real parser.
  if (/^[-+.]?\d/.test(text) || /^[-+]?\.(?:inf|nan)$/i.test(text)) return DECLINE;
  if (INDICATORS.has(text[0]!)) return DECLINE;
  if (text.includes(': ') || text.endsWith(':') || text.includes(' #')) return DECLINE;
  if (inFlow && /[[\]{},:]/.test(text)) return DECLINE;
  return text;
}
