import { matchGlob } from '../review/index.js';

/** The literal part of a glob before its first wildcard: `src/billing/**` -> `src/billing/`. */
const stem = (glob: string): string => glob.split(/[*?[{]/)[0] ?? '';

/**
 * Whether two tasks' declared `touches`/`conflicts_with` globs can name the same file (G4). Conservative: two
 * globs overlap when either matches the other's literal stem or one stem is a prefix of the other.
 */
export function globsOverlap(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x === y) return true;
      const sx = stem(x);
      const sy = stem(y);
      if (matchGlob(x, sy) || matchGlob(y, sx)) return true;
      if (sx && sy && (sx.startsWith(sy) || sy.startsWith(sx))) return true;
    }
  }
  return false;
}
