/**
 * The matching engine: a brace-free pattern is split into path segments; `**` segments are matched by a table
 * over (pattern segment, path segment), and each other segment by the greedy one-star-backtrack wildcard walk.
 * Both are polynomial (pattern length x path length) whatever the pattern: a regular expression compiled from a
 * glob (the old matcher, picomatch's makeRe) backtracks instead, 3.6 s for `*a*a*a*ab` on a 255-character name.
 */
type Token = { kind: 'char'; ch: string } | { kind: 'one' } | { kind: 'class'; re: RegExp } | { kind: 'star' };
export type Segment = { kind: 'globstar' } | { kind: 'part'; tokens: Token[] };

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', ascii: '\\x00-\\x7F', blank: ' \\t', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '\\x21-\\x7E', lower: 'a-z', print: '\\x20-\\x7E', punct: '\\-!"#$%&\'()\\*+,.\\/:;<=>?@[\\]^_`{|}~',
  space: ' \\t\\r\\n\\v\\f', upper: 'A-Z', word: 'A-Za-z0-9_', xdigit: 'A-Fa-f0-9',
};

/** A `[...]` class at `i` as one-character RegExp, and where it ends; undefined when the `[` is literal. */
function readClass(p: string, i: number): { re: RegExp; end: number } | undefined {
  let j = i + 1;
  const negated = p[j] === '!' || p[j] === '^';
  if (negated) j++;
  let body = '';
  for (let first = true; j < p.length; j++, first = false) {
    const c = p[j] ?? '';
    if (c === ']' && !first) {
      if (body === '') return undefined;
      return { re: new RegExp(`^[${negated ? '^' : ''}${body}]$`, 'u'), end: j + 1 };
    }
    if (c === '[' && p[j + 1] === ':') {
      const close = p.indexOf(':]', j + 2);
      const set = close > 0 ? POSIX[p.slice(j + 2, close)] : undefined;
      if (set !== undefined) {
        body += set;
        j = close + 1;
        continue;
      }
    }
    if (c === '\\' && j + 1 < p.length) {
      j++;
      const e = p[j] ?? '';
      body += /[\\^$.*+?()[\]{}|/-]/.test(e) ? `\\${e}` : e;
      continue;
    }
    if (c === '-' && body !== '' && p[j + 1] !== ']') body += '-';
    else body += /[\\\]^[-]/.test(c) ? `\\${c}` : c;
  }
  return undefined;
}

function tokenize(part: string): Token[] {
  const tokens: Token[] = [];
  const chars = Array.from(part);
  const text = chars.join('');
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'one' });
    else if (c === '\\' && i + 1 < chars.length) tokens.push({ kind: 'char', ch: chars[++i] ?? '' });
    else if (c === '[') {
      // Classes are ASCII in practice; read them on the code-unit string when the part is plain ASCII.
      const cls = text.length === chars.length ? readClass(text, i) : undefined;
      if (cls) {
        tokens.push({ kind: 'class', re: cls.re });
        i = cls.end - 1;
      } else tokens.push({ kind: 'char', ch: c });
    } else tokens.push({ kind: 'char', ch: c });
  }
  return tokens;
}

/** A brace-free pattern as segments; runs of `**` collapse into one. */
export function toSegments(pattern: string): Segment[] {
  const out: Segment[] = [];
  // A trailing slash left by an expansion (`a/**/{,b}` -> `a/**/`) adds nothing, as in picomatch.
  const parts = pattern.split('/');
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  for (const part of parts) {
    if (part === '**') {
      if (out.at(-1)?.kind !== 'globstar') out.push({ kind: 'globstar' });
    } else out.push({ kind: 'part', tokens: tokenize(part) });
  }
  return out;
}

/** Counts the work done, so tests can bound it without a clock. */
export interface Steps {
  n: number;
}

function one(t: Token, ch: string): boolean {
  if (t.kind === 'char') return t.ch === ch;
  if (t.kind === 'one') return true;
  return t.kind === 'class' && t.re.test(ch);
}

/** One segment against one path segment (code points): `*` needs only its last position remembered. */
export function matchPart(tokens: readonly Token[], name: readonly string[], steps: Steps): boolean {
  let pi = 0;
  let si = 0;
  let starPi = -1;
  let starSi = 0;
  while (si < name.length) {
    steps.n++;
    const t = tokens[pi];
    if (t !== undefined && t.kind !== 'star' && one(t, name[si] ?? '')) {
      pi++;
      si++;
    } else if (t?.kind === 'star') {
      starPi = pi++;
      starSi = si;
    } else if (starPi >= 0) {
      pi = starPi + 1;
      si = ++starSi;
    } else return false;
  }
  while (tokens[pi]?.kind === 'star') pi++;
  return pi === tokens.length;
}

/**
 * Whether `segments` match `path` (already split, each a code-point array). `prefix`: the pattern may also match a
 * leading directory of the path (`docs` matches `docs/a.md`); `dirOnly`: it must match a directory, not the path.
 */
export function matchSegments(segments: readonly Segment[], path: readonly (readonly string[])[], o: { prefix: boolean; dirOnly: boolean }, steps: Steps): boolean {
  let at = new Array<boolean>(path.length + 1).fill(false);
  at[0] = true;
  for (const seg of segments) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    let any = false;
    for (let j = 0; j <= path.length; j++) {
      steps.n++;
      if (seg.kind === 'globstar') {
        any ||= at[j] === true;
        next[j] = any;
      } else if (at[j] && j < path.length && matchPart(seg.tokens, path[j] ?? [], steps)) {
        next[j + 1] = true;
        any = true;
      }
    }
    if (!any) return false;
    at = next;
  }
  if (!o.dirOnly && at[path.length]) return true;
  return (o.prefix || o.dirOnly) && at.slice(0, path.length).some(Boolean);
}
