const cache = new Map<string, RegExp>();

function escape(ch: string): string {
  return /[.+^${}()|[\]\\?*]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * Compile a gitignore/CODEOWNERS-style pattern: no slash means "this name at any depth", a leading or
 * inner slash anchors at the root, `*` stays within a segment, `**` crosses them, and a pattern that
 * names a directory also matches everything under it.
 */
export function globToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let p = pattern.trim();
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] ?? '';
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slashAfter = p[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += escape(c);
  }
  const re = new RegExp(`${anchored ? '^' : '(?:^|/)'}${out}${dirOnly ? '/' : '(?:/|$)'}`);
  cache.set(pattern, re);
  return re;
}

export function matchGlob(pattern: string, path: string): boolean {
  if (pattern.trim() === '') return false;
  return globToRegExp(pattern).test(path);
}
