import { globAlternatives, matchGlob } from '../glob/index.js';

/** The literal part of a glob before its first wildcard: `src/billing/**` -> `src/billing/`. */
const stem = (glob: string): string => glob.split(/[*?[{\\]/)[0] ?? '';

function altsOverlap(x: string, y: string): boolean {
  if (x === y) return true;
  const sx = stem(x);
  const sy = stem(y);
  if (matchGlob(x, sy) || matchGlob(y, sx)) return true;
  return sx !== '' && sy !== '' && (sx.startsWith(sy) || sy.startsWith(sx));
}

/**
 * Whether two tasks' declared `touches`/`conflicts_with` globs can name the same file (G4). Conservative: braces are
 * expanded, then two globs overlap when either matches the other's literal stem or one stem is a prefix of the
 * other; a refused glob (over the limits) overlaps everything.
 */
export function globsOverlap(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x === y) return true;
      if (x.trim() === '' || y.trim() === '') continue;
      const xs = globAlternatives(x);
      const ys = globAlternatives(y);
      if (xs === undefined || ys === undefined) return true;
      if (xs.some((ax) => ys.some((ay) => altsOverlap(ax, ay)))) return true;
    }
  }
  return false;
}
