/**
 * Finds the line where a key is written in TOML text, for error messages. A line scanner, not a parser: it
 * follows `[table]` headers, dotted keys and inline tables, and skips multi-line strings. The text has
 * already been parsed successfully, so it is well-formed.
 */
export function locateKey(text: string, keyPath: readonly (string | number)[]): number | undefined {
  const target = keyPath.filter((s): s is string => typeof s === 'string');
  if (target.length === 0) return undefined;
  const lines = text.split(/\r?\n/);
  let table: string[] = [];
  let inMultiline: '"""' | "'''" | undefined;
  let best: { line: number; depth: number } | undefined;

  const consider = (full: string[], lineNo: number, rest: string): number | undefined => {
    const depth = commonPrefix(full, target);
    if (depth === target.length && full.length === target.length) return lineNo;
    if (depth === full.length && depth > 0) {
      // `agent = { max_turns = 5 }`: the rest of the key is inside the inline value on this line.
      const leaf = target[target.length - 1] ?? '';
      if (rest.includes('{') && new RegExp(`(^|[{,.\\s"'])${escapeRegExp(leaf)}["']?\\s*[.=]`).test(rest)) return lineNo;
      if (best === undefined || depth > best.depth) best = { line: lineNo, depth };
    }
    return undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (inMultiline !== undefined) {
      if (countDelimiter(raw, inMultiline) % 2 === 1) inMultiline = undefined;
      continue;
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const header = parseKey(line.replace(/^\[\[?/, ''));
      if (header !== undefined) {
        table = header.segments;
        const found = consider(table, i + 1, '');
        if (found !== undefined) return found;
      }
      continue;
    }
    const kv = parseKey(line);
    if (kv === undefined || !kv.rest.startsWith('=')) continue;
    const found = consider([...table, ...kv.segments], i + 1, kv.rest);
    if (found !== undefined) return found;
    for (const delim of ['"""', "'''"] as const) {
      if (countDelimiter(kv.rest, delim) % 2 === 1) inMultiline = delim;
    }
  }
  return best?.line;
}

/** Parses a (possibly dotted, possibly quoted) key at the start of `s`. */
function parseKey(s: string): { segments: string[]; rest: string } | undefined {
  const segments: string[] = [];
  let rest = s;
  for (;;) {
    rest = rest.trimStart();
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^[A-Za-z0-9_-]+/))) segments.push(m[0]);
    else if ((m = rest.match(/^"((?:[^"\\]|\\.)*)"/))) segments.push(unescapeBasic(m[1] ?? ''));
    else if ((m = rest.match(/^'([^']*)'/))) segments.push(m[1] ?? '');
    else return undefined;
    rest = rest.slice(m[0].length).trimStart();
    if (!rest.startsWith('.')) return { segments, rest };
    rest = rest.slice(1);
  }
}

function unescapeBasic(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

function countDelimiter(s: string, delim: string): number {
  return s.split(delim).length - 1;
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
