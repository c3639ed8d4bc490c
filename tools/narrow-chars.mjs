// Characters a terminal draws one column wide that never join a neighbour into one grapheme (no combining marks,
// joiners, variation selectors, wide or emoji-presentation characters): printable ASCII, Latin-1, general
// punctuation, arrows, box drawing, blocks and geometric shapes (the TUI's marks, panes and agents' output). For
// strings of only these, a string's width is its length and each UTF-16 unit is a grapheme, which Ink's width and
// tokenizer fast paths (tools/bundle-tui.mjs) rely on; test/tui/narrow-chars.test.ts checks every one against
// string-width and ansi-tokenize themselves.
export const NARROW_RANGES = [
  [0x20, 0x7e],
  [0xa0, 0xac],
  [0xae, 0xff],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x2190, 0x21ff],
  [0x2500, 0x25fc],
];

const hex = (n) => n.toString(16).toUpperCase().padStart(4, '0');

/** The ranges as a regular expression character class body, written with `\uXXXX` escapes. */
export const narrowClass = () => NARROW_RANGES.map(([a, b]) => `\\u${hex(a)}-\\u${hex(b)}`).join('');

/** The ranges as a JavaScript expression over the UTF-16 unit `c`. */
export const narrowTest = (c) => NARROW_RANGES.map(([a, b]) => `(${c} >= ${a} && ${c} <= ${b})`).join(' || ');
