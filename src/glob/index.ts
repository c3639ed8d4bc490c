import picomatch from 'picomatch';
import { expandBraces } from './braces.js';
import { matchSegments, toSegments, type Segment, type Steps } from './segments.js';

/**
 * Globs of `touches`/`conflicts_with`, review rules and CODEOWNERS (P7). Semantics are picomatch's with `dot: true`
 * (braces, ranges, classes, `?`, `*` within a segment, `**` across them; a property test holds the two equal),
 * wrapped in gitignore's: a pattern without a slash matches that name at any depth, a leading slash anchors it, a
 * pattern naming a directory matches everything under it, a trailing slash matches directories only. The matching
 * itself is done here without regular expressions over the whole path, so its cost is bounded by pattern length
 * times path length whatever the pattern; limits keep both small.
 */
export const GLOB_LIMITS = {
  /** Characters in one pattern. */
  length: 512,
  /** Patterns one pattern's braces may expand to. */
  expansions: 64,
  /** Characters of all expansions of one pattern together. */
  expandedLength: 4096,
  /** Patterns in one list (`touches`, one review rule's `paths`). */
  count: 200,
  /** Paths longer than this are not matched but answered conservatively (see `globMatcher`). */
  pathLength: 4096,
} as const;

export type GlobMatcher = { ok: true; test: (path: string) => boolean } | { ok: false; error: string };

interface Compiled {
  alternatives: Segment[][];
  prefix: boolean;
  dirOnly: boolean;
}

const cache = new Map<string, { ok: true; compiled: Compiled } | { ok: false; error: string }>();

function compile(pattern: string): { ok: true; compiled: Compiled } | { ok: false; error: string } {
  if (pattern.length > GLOB_LIMITS.length) return { ok: false, error: `is ${pattern.length} characters long; at most ${GLOB_LIMITS.length} are allowed` };
  let p = pattern.trim();
  if (p === '') return { ok: false, error: 'is empty' };
  const scan = picomatch.scan(p);
  if (scan.isExtglob) return { ok: false, error: 'uses an extglob such as `@(a|b)`, which Orch does not support; write braces instead: `{a,b}`' };
  if (scan.negated) return { ok: false, error: 'starts with `!`; negated globs are not supported here' };
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const expanded = expandBraces(anchored ? p : `**/${p}`, GLOB_LIMITS.expansions);
  if (!expanded.ok) return expanded;
  const total = expanded.patterns.reduce((n, x) => n + x.length, 0);
  if (total > GLOB_LIMITS.expandedLength) return { ok: false, error: `its braces expand to ${total} characters; at most ${GLOB_LIMITS.expandedLength} are allowed` };
  return { ok: true, compiled: { alternatives: expanded.patterns.map(toSegments), prefix: true, dirOnly } };
}

function compiled(pattern: string): ReturnType<typeof compile> {
  let hit = cache.get(pattern);
  if (!hit) {
    hit = compile(pattern);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, hit);
  }
  return hit;
}

/** Why a pattern is refused (length, braces, extglob, empty), or undefined when it is usable. */
export function checkGlob(pattern: string): string | undefined {
  const c = compiled(pattern);
  return c.ok ? undefined : `glob ${JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}...` : pattern)} ${c.error}`;
}

/** Why a list of patterns is refused (too many, or the first bad pattern), or undefined. */
export function checkGlobs(patterns: readonly string[]): string | undefined {
  if (patterns.length > GLOB_LIMITS.count) return `${patterns.length} globs; at most ${GLOB_LIMITS.count} are allowed in one list`;
  for (const p of patterns) {
    const bad = checkGlob(p);
    if (bad) return bad;
  }
  return undefined;
}

/** Match and count the work (tests bound it without a clock). A path over the length limit answers `tooLong`. */
export function matchGlobCounted(pattern: string, path: string, steps: Steps = { n: 0 }): boolean | 'tooLong' | 'refused' {
  const c = compiled(pattern);
  if (!c.ok) return 'refused';
  if (path.length > GLOB_LIMITS.pathLength) return 'tooLong';
  const parts = path.split('/').map((s) => Array.from(s));
  const { alternatives, prefix, dirOnly } = c.compiled;
  return alternatives.some((segments) => matchSegments(segments, parts, { prefix, dirOnly }, steps));
}

/**
 * A matcher for `pattern`, or why it is refused. `onTooLong` is the answer for a path over the length limit:
 * callers pass the conservative one (a review rule or an overlap check says "yes").
 */
export function globMatcher(pattern: string, onTooLong = true): GlobMatcher {
  const c = compiled(pattern);
  if (!c.ok) return { ok: false, error: checkGlob(pattern) ?? c.error };
  return {
    ok: true,
    test: (path) => {
      const r = matchGlobCounted(pattern, path);
      return r === 'tooLong' ? onTooLong : r === true;
    },
  };
}

/** Whether `pattern` matches `path`; a refused pattern matches nothing (use `globMatcher` to learn why). */
export function matchGlob(pattern: string, path: string): boolean {
  const m = globMatcher(pattern);
  return m.ok && m.test(path);
}

/** The brace expansions of a usable pattern (for overlap checks), or undefined when it is refused. */
export function globAlternatives(pattern: string): string[] | undefined {
  const p = pattern.trim();
  if (!compiled(pattern).ok) return undefined;
  const e = expandBraces(p, GLOB_LIMITS.expansions);
  return e.ok ? e.patterns : undefined;
}

export { expandBraces } from './braces.js';
