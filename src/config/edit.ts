import { parse } from 'smol-toml';

export type TomlScalar = string | number | boolean;

const tomlValue = (v: TomlScalar): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `keyPath` is set in this TOML text. */
export function hasKey(text: string, keyPath: readonly string[]): boolean {
  let node: unknown = parse(text);
  for (const k of keyPath) {
    if (typeof node !== 'object' || node === null || !(k in node)) return false;
    node = (node as Record<string, unknown>)[k];
  }
  return true;
}

/**
 * Sets one scalar key in TOML text, keeping every comment and every other line as written: the value on the key's
 * line is replaced (its trailing comment kept), or the key is added to its `[table]` (the table is added at the end
 * when missing). Handles `[table]` + `key = v` and root-level dotted `table.key = v`; the result is parsed again
 * and an error is thrown if it does not hold the value.
 */
export function setTomlKey(text: string, keyPath: readonly string[], value: TomlScalar): string {
  const lines = text.split('\n');
  const table = keyPath.slice(0, -1).join('.');
  const leaf = keyPath[keyPath.length - 1] ?? '';
  const header = (l: string): string | undefined => /^\s*\[([^[\]]+)\]\s*(#.*)?$/.exec(l)?.[1]?.trim();
  let current = '';
  let tableEnd = -1;
  let tableFound = table === '';
  let rootEnd = lines.length;
  const assign = (key: string) => new RegExp(`^(\\s*${esc(key)}\\s*=\\s*)(.*)$`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const h = header(line);
    if (h !== undefined) {
      if (current === '' && rootEnd === lines.length) rootEnd = i;
      current = h;
      if (h === table) {
        tableFound = true;
        tableEnd = i + 1;
      }
      continue;
    }
    const key = current === table ? leaf : current === '' && table !== '' ? `${table}.${leaf}` : undefined;
    if (key === undefined) continue;
    if (current === table && line.trim() !== '' && !line.trim().startsWith('#')) tableEnd = i + 1;
    const m = assign(key).exec(line);
    if (!m) continue;
    const rest = m[2] ?? '';
    const comment = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^#]*?)(\s+#.*)$/.exec(rest)?.[2] ?? '';
    lines[i] = `${m[1] ?? ''}${tomlValue(value)}${comment}`;
    return checked(lines.join('\n'), keyPath, value);
  }
  const entry = `${leaf} = ${tomlValue(value)}`;
  if (table === '') lines.splice(rootEnd === lines.length ? lines.length : rootEnd, 0, entry);
  else if (tableFound) lines.splice(tableEnd, 0, entry);
  else {
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    lines.push('', `[${table}]`, entry, '');
  }
  return checked(lines.join('\n'), keyPath, value);
}

function checked(text: string, keyPath: readonly string[], value: TomlScalar): string {
  let node: unknown = parse(text);
  for (const k of keyPath) node = (node as Record<string, unknown> | undefined)?.[k];
  if (node !== value) throw new Error(`setting ${keyPath.join('.')} did not take: the file's layout is unusual; edit it by hand`);
  return text;
}
