import { parse, stringify } from 'smol-toml';

export interface ConfigEntry {
  /** Dotted table name, '' for the top level. */
  table: string;
  key: string;
  value: unknown;
}

/**
 * Adds the entries a config file does not set yet, keeping everything else (comments, order, the user's values)
 * byte for byte. An entry whose key is already set is left alone: re-running onboard never overrides a choice.
 */
export function addMissingKeys(text: string, entries: readonly ConfigEntry[]): { text: string; added: ConfigEntry[] } {
  const existing = text.trim() === '' ? {} : (parse(text) as Record<string, unknown>);
  const added = entries.filter((e) => lookup(existing, [...(e.table ? e.table.split('.') : []), e.key]) === undefined);
  let lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  for (const e of added) {
    const line = stringify({ [e.key]: e.value }).trim();
    if (e.table === '') {
      const firstTable = lines.findIndex((l) => /^\s*\[/.test(l));
      const at = firstTable === -1 ? lines.length : firstTable;
      lines = [...lines.slice(0, at), line, ...(firstTable === -1 ? [] : [''])].concat(lines.slice(at));
      continue;
    }
    const header = lines.findIndex((l) => new RegExp(`^\\s*\\[\\s*${escape(e.table)}\\s*\\]\\s*(#.*)?$`).test(l));
    if (header === -1) lines.push(...(lines.length > 0 && lines[lines.length - 1] !== '' ? [''] : []), `[${e.table}]`, line);
    else lines.splice(header + 1, 0, line);
  }
  return { text: lines.length === 0 ? '' : `${lines.join('\n')}\n`, added };
}

function lookup(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A line diff (`+ `/`- `/`  ` prefixes) of two small texts, for showing a change before it is written. */
export function lineDiff(before: string, after: string): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push(`+ ${b[j++]}`);
    else out.push(`- ${a[i++]}`);
  }
  return out.join('\n');
}
