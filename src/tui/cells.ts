import stringWidth from 'string-width';

/**
 * Terminal columns of `s`, as Ink measures them: wide (CJK, emoji-presentation) characters take 2, combining marks 0,
 * and a pictograph without its emoji selector (▶ ⏸ ⚠) 1 (string-width 8, Ink's, and terminals; the string-width 7
 * this package has says 2 for those, which would push every column after a ▶ one to the right).
 */
export function cells(s: string): number {
  if (/^[\u0020-\u007e]*$/.test(s)) return s.length;
  let n = 0;
  for (const { segment } of segmenter().segment(s)) n += /^\p{Extended_Pictographic}$/u.test(segment) && !/\p{Emoji_Presentation}/u.test(segment) ? 1 : stringWidth(segment);
  return n;
}

/**
 * `s` on one line in exactly `n` columns: whitespace runs as one space, cut with `ellipsis` when longer, padded
 * with spaces when shorter. Columns, not characters: a CJK title or a task id of a module named in Japanese keeps
 * the columns after it aligned.
 */
export function fit(s: string, n: number, ellipsis = '…'): string {
  if (n <= 0) return '';
  const one = s.replace(/\s+/g, ' ').trim();
  const w = cells(one);
  if (w <= n) return one + ' '.repeat(n - w);
  const e = cells(ellipsis) < n ? ellipsis : '';
  const room = n - cells(e);
  let out = '';
  let used = 0;
  for (const { segment } of segmenter().segment(one)) {
    const cw = cells(segment);
    if (used + cw > room) break;
    out += segment;
    used += cw;
  }
  // A wide character that does not fit leaves a column: padded, so the next column starts where it should.
  return out + e + ' '.repeat(room - used);
}

let seg: Intl.Segmenter | undefined;
/** Graphemes, so a cut never splits an emoji sequence or a letter from its accent. */
const segmenter = (): Intl.Segmenter => (seg ??= new Intl.Segmenter());
