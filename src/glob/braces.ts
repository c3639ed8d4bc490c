/**
 * Bounded brace expansion: `src/{auth,payments}/**` -> `src/auth/**`, `src/payments/**`; nested groups and
 * `{1..3}` / `{a..e}` ranges too, as picomatch reads them. A group with neither a comma nor a range (`{x}`) stays
 * literal. Expansion stops, as a value, once more than `limit` patterns would come out, so `{a,b}` repeated 40
 * times costs nothing.
 */
export type Expanded = { ok: true; patterns: string[] } | { ok: false; error: string };

interface Group {
  start: number;
  end: number;
  alternatives: string[];
}

/** The index just past the `]` closing a class that opens at `i`, or -1 when `[` is a literal. */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === '[' && p[j + 1] === ':') {
      const close = p.indexOf(':]', j + 2);
      if (close > 0) j = close + 1;
    } else if (p[j] === ']') return j + 1;
    else if (p[j] === '/') return -1;
  }
  return -1;
}

function range(inner: string): string[] | undefined {
  const m = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])$/.exec(inner);
  if (!m) return undefined;
  const [a, b] = [m[1] ?? '', m[2] ?? ''];
  const numeric = /\d/.test(a);
  if (numeric !== /\d/.test(b)) return undefined;
  const from = numeric ? Number(a) : a.charCodeAt(0);
  const to = numeric ? Number(b) : b.charCodeAt(0);
  if (Math.abs(to - from) > 1000) return undefined;
  const out: string[] = [];
  const step = from <= to ? 1 : -1;
  for (let v = from; step > 0 ? v <= to : v >= to; v += step) out.push(numeric ? String(v) : String.fromCharCode(v));
  return out;
}

/** The first `{...}` group holding a top-level comma or a range, skipping classes, escapes and literal groups. */
function firstGroup(p: string, from = 0): Group | undefined {
  for (let i = from; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = classEnd(p, i);
      if (end > 0) i = end - 1;
    } else if (c === '{') {
      let depth = 0;
      const commas: number[] = [];
      let close = -1;
      for (let j = i; j < p.length && close < 0; j++) {
        const d = p[j];
        if (d === '\\') j++;
        else if (d === '{') depth++;
        else if (d === '}' && --depth === 0) close = j;
        else if (d === ',' && depth === 1) commas.push(j);
      }
      if (close < 0) return undefined;
      const inner = p.slice(i + 1, close);
      if (commas.length > 0) {
        const cuts = [i, ...commas, close];
        return { start: i, end: close + 1, alternatives: cuts.slice(1).map((c2, k) => p.slice((cuts[k] ?? i) + 1, c2)) };
      }
      const r = range(inner);
      if (r) return { start: i, end: close + 1, alternatives: r };
      // A literal group such as `{x}`: look for a real group inside it or after it.
      const inside = firstGroup(p.slice(0, close), i + 1);
      if (inside) return inside;
      i = close;
    }
  }
  return undefined;
}

export function expandBraces(pattern: string, limit: number): Expanded {
  const out: string[] = [];
  const visit = (p: string, from: number): boolean => {
    const g = firstGroup(p, from);
    if (!g) {
      out.push(p);
      return out.length <= limit;
    }
    const head = p.slice(0, g.start);
    const tail = p.slice(g.end);
    for (const alt of g.alternatives) {
      // Rescan from the group's start: an alternative may hold groups of its own.
      if (!visit(head + alt + tail, g.start)) return false;
    }
    return true;
  };
  if (!visit(pattern, 0)) return { ok: false, error: `its braces expand to more than ${limit} patterns` };
  return { ok: true, patterns: out };
}
