/**
 * Text from the daemon is untrusted on a terminal: a plan title with a tab, an agent printing colours, a cursor move
 * or `ESC[2J`. Ink measures a tab or an escape as zero columns while the terminal moves by them: a row wraps, every
 * frame after it is drawn one row off, and an escape can clear or recolour the screen. So every string the daemon
 * sends is made plain before the UI keeps it: escape sequences and control characters go, tabs become the spaces a
 * terminal would show (stops every 8 columns), newlines stay (multi-line text is split where it is shown).
 */

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), the 8-bit CSI, and any other ESC + one character.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u001b[^[\]]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  let col = 0;
  for (const ch of line) {
    if (ch === '\t') {
      const n = 8 - (col % 8);
      out += ' '.repeat(n);
      col += n;
    } else {
      out += ch;
      col++;
    }
  }
  return out;
}

/** `s` as a terminal can show it measured as Ink measures it; the same string when it was plain already. */
export function terminalText(s: string): string {
  if (!UNSAFE.test(s)) return s;
  const bare = s.replace(ESCAPES, '').replace(CONTROLS, '');
  return bare.includes('\t') ? bare.split('\n').map(expandTabs).join('\n') : bare;
}

/** Every string in `v` made plain; objects and arrays with nothing to change are returned as they were (memo). */
export function cleanDeep<T>(v: T): T {
  if (typeof v === 'string') return terminalText(v) as T;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const c = cleanDeep(v[i] as unknown);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return (out ?? v) as T;
  }
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  // PERF: for-in, no entries arrays: events of flooding agents pass here every frame.
  for (const k in o) {
    const x = o[k];
    const c = cleanDeep(x);
    if (c !== x) (out ??= { ...o })[k] = c;
  }
  return (out ?? v) as T;
}
