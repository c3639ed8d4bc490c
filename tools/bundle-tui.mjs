// Bundles the terminal UI (src/tui, Ink, React, Yoga) into dist/src/tui/bundle.js, the file `orch tui` loads:
// one file instead of some 150 modules (about 2.5x faster to start, 25 MB less), React's production build, Ink's
// text caches bounded and its frame-building hot paths made cheaper (`edits` below, each measured by bench:tui). Ink 6 (the last line that runs on Node 20) keeps every distinct string it ever
// measured or wrapped in module-level caches that are never emptied (ink#986, fixed in Ink 7 which needs Node 22):
// a screen of agents' output, every line new, grows memory without bound. Other modules of src/ stay tsc's,
// imported from the bundle at their dist path, as in bundle-cli.mjs. Run by `npm run build` after tsc.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { narrowClass, narrowTest } from './narrow-chars.mjs';

const srcDir = resolve('src');
const tuiDir = resolve('src/tui');
/** Entries each cache keeps; a screen shows a few thousand strings at most, so a frame never evicts its own. */
const CACHE_ENTRIES = 8192;
const evict = (cache, entries = CACHE_ENTRIES) => `if (${cache}.size >= ${entries}) ${cache}.delete(${cache}.keys().next().value);`;
/** A line's cells are an object each: keep about two screens of lines (a frame writes a few hundred). */
const LINE_ENTRIES = 1024;

/** Each edit must find its text once: an Ink release that moved the code fails the build here, not users later. */
const edits = {
  'measure-text.js': [['cache.set(text, dimensions);', `${evict('cache')} cache.set(text, dimensions);`]],
  // PERF: Ink builds each frame as a grid of one object per cell (7,680 at 160x48), every line tokenised again and
  // every cell's width measured again, all thrown away after the frame: under a flood that was most of a frame's
  // time and of the garbage collector's (bench/tui-flood.ts: ink render p50 58 ms). Blank cells share one frozen
  // object (nothing writes into a cell: a frame replaces cells), the caches of lines and widths live across frames
  // (bounded), and a one-column ASCII character's width is known without a lookup.
  'output.js': [
    ['class OutputCaches {', `const BLANK_CELL = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });\nclass OutputCaches {`],
    ['            cached = styledCharsFromTokens(tokenize(line));\n            this.styledChars.set(line, cached);', `            cached = styledCharsFromTokens(tokenize(line));\n            ${evict('this.styledChars', LINE_ENTRIES)} this.styledChars.set(line, cached);`],
    ['            cached = stringWidth(text);\n            this.widths.set(text, cached);', `            cached = stringWidth(text);\n            ${evict('this.widths')} this.widths.set(text, cached);`],
    ['            this.blockWidths.set(text, cached);', `${evict('this.blockWidths')} this.blockWidths.set(text, cached);`],
    ['    caches = new OutputCaches();', '    caches = sharedCaches;'],
    ['export default class Output {', 'const sharedCaches = new OutputCaches();\nexport default class Output {'],
    [
      "            const row = [];\n            for (let x = 0; x < this.width; x++) {\n                row.push({\n                    type: 'char',\n                    value: ' ',\n                    fullWidth: false,\n                    styles: [],\n                });\n            }\n            output.push(row);",
      '            output.push(new Array(this.width).fill(BLANK_CELL));',
    ],
    [
      // A row has holes only where a write went past the width: copied without them only then.
      'const lineWithoutEmptyItems = line.filter(item => item !== undefined);',
      'const lineWithoutEmptyItems = line.includes(undefined) ? line.filter(item => item !== undefined) : line;',
    ],
    [
      'const characterWidth = Math.max(1, this.caches.getStringWidth(character.value));',
      'const code = character.value.length === 1 ? character.value.charCodeAt(0) : 0;\n                        const characterWidth = code >= 0x20 && code < 0x7f ? 1 : Math.max(1, this.caches.getStringWidth(character.value));',
    ],
  ],
  // PERF: a frame's text is made cell by cell, each diffing its styles against the previous cell's with three Sets;
  // neighbours nearly always share their styles, and equal styles need no codes (what the diff would return).
  // A frame exactly as tall as the terminal is not taller than it: Ink cleared the whole terminal before each such
  // frame (for output that scrolled off the top, which a frame of `rows` lines never does), a flash on every update
  // of a full-screen UI. Taller frames (after a terminal shrank) still clear.
  'ink.js': [['if (this.lastOutputHeight >= this.options.stdout.rows) {', 'if (this.lastOutputHeight > this.options.stdout.rows) {']],
  'styledChars.js': [
    // Nothing writes into a cell's styles: cells between two codes share one array (reduce returns a new one), and a
    // cell is made from its token without an object spread (a frame makes thousands).
    ['            ret.push({\n                ...token,\n                styles: [...codes],\n            });', '            ret.push({ type: "char", value: token.value, fullWidth: token.fullWidth, styles: codes });'],[
      // PERF: a row's text is its cells' values joined once, not a string grown cell by cell (a rope of a cell each,
      // flattened by trimEnd: the largest garbage of a frame), and neighbours of one style need no style diff.
      `export function styledCharsToString(chars) {
    let ret = "";
    for (let i = 0; i < chars.length; i++) {
        const char = chars[i];
        if (i === 0) {
            ret += ansiCodesToString(char.styles);
        }
        else {
            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));
        }
        ret += char.value;
        // reset active styles at the end of the string
        if (i === chars.length - 1) {
            ret += ansiCodesToString(diffAnsiCodes(char.styles, []));
        }
    }
    return ret;
}`,
      `const sameStyles = (a, b) => a === b || (a.length === b.length && a.every((c, i) => c.code === b[i].code && c.endCode === b[i].endCode));
export function styledCharsToString(chars) {
    const parts = [];
    for (let i = 0; i < chars.length; i++) {
        const char = chars[i];
        if (i === 0) {
            if (char.styles.length > 0) parts.push(ansiCodesToString(char.styles));
        }
        else {
            const from = chars[i - 1].styles;
            if (!sameStyles(from, char.styles)) parts.push(ansiCodesToString(diffAnsiCodes(from, char.styles)));
        }
        parts.push(char.value);
        if (i === chars.length - 1 && char.styles.length > 0) parts.push(ansiCodesToString(diffAnsiCodes(char.styles, [])));
    }
    return parts.join("");
}
`,
    ],
  ],
  // PERF: under a flood every line is new, and each went through Intl.Segmenter twice (its width for the layout, its
  // tokens for the frame) as soon as it held one arrow or box character (a pane's `→ Bash ...`): some 150 MB of garbage
  // in 10 s of bench:tui, the garbage collector's largest source after the frame grid. Lines of narrow characters only
  // (tools/narrow-chars.mjs) are measured by their length and split per UTF-16 unit; anything else takes the full path.
  'tokenize.js': [
    [
      'export function tokenize(str, endChar = Number.POSITIVE_INFINITY) {',
      `const orchNarrow = (c) => ${narrowTest('c')};
function orchTokenizeNarrow(str, endChar) {
    const ret = [];
    let visible = 0;
    for (let i = 0; i < str.length;) {
        const c = str.charCodeAt(i);
        if (c === 0x1b && str.charCodeAt(i + 1) === 0x5b) {
            const code = parseSGRSequence(str, i);
            if (!code) return undefined;
            for (const individualCode of splitCompoundSGRSequences(code)) ret.push({ type: "ansi", code: individualCode, endCode: getEndCode(individualCode) });
            i += code.length;
            continue;
        }
        if (!orchNarrow(c)) return undefined;
        ret.push({ type: "char", value: str[i], fullWidth: false });
        i++;
        if (++visible >= endChar) break;
    }
    return ret;
}
export function tokenize(str, endChar = Number.POSITIVE_INFINITY) {
    const narrow = orchTokenizeNarrow(str, endChar);
    if (narrow) return narrow;`,
    ],
  ],
  'wrap-text.js': [
    // cli-truncate 5 keeps a wide character (CJK, emoji) the cut falls inside: the line is one column wider than the
    // box, the terminal wraps it, and every row below (the whole frame, the next frames) is drawn one row off.
    // Cut one column shorter until it fits.
    ["import cliTruncate from 'cli-truncate';", "import cliTruncate from 'cli-truncate';\nimport orchStringWidth from 'string-width';"],
    [
      '        wrappedText = cliTruncate(text, maxWidth, { position });',
      '        wrappedText = cliTruncate(text, maxWidth, { position });\n        for (let w = maxWidth - 1; w > 0 && orchStringWidth(wrappedText) > maxWidth; w--) wrappedText = cliTruncate(text, w, { position });',
    ],
    ['const cache = {};', 'const cache = new Map();'],
    ['const cachedText = cache[cacheKey];', 'const cachedText = cache.get(cacheKey);'],
    ['cache[cacheKey] = wrappedText;', `${evict('cache')} cache.set(cacheKey, wrappedText);`],
  ],
};

const tui = {
  name: 'orch-tui',
  setup(b) {
    b.onLoad({ filter: /[\\/](ink[\\/]build[\\/](measure-text|wrap-text|output|ink)|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/](styledChars|tokenize))\.js$/ }, (args) => {
      const name = args.path.split(/[\\/]/).pop();
      let text = readFileSync(args.path, 'utf8');
      for (const [from, to] of edits[name]) {
        if (text.split(from).length !== 2) throw new Error(`bundle-tui: ${args.path} no longer holds \`${from}\` once; check whether this Ink bounds its caches and update tools/bundle-tui.mjs`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
    });
    // PERF: the string-width copies Ink, its layout (widest-line) and cli-truncate use: narrow characters only are as
    // wide as they are long, without Intl.Segmenter (see 'tokenize.js' above).
    const asciiOnly = 'if (/^[\\u0020-\\u007E]*$/.test(string)) {';
    b.onLoad({ filter: /[\\/](ink|widest-line|cli-truncate)[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (text.split(asciiOnly).length !== 2) throw new Error(`bundle-tui: ${args.path} no longer holds \`${asciiOnly}\` once; update tools/bundle-tui.mjs`);
      return { contents: text.replace(asciiOnly, `if (/^[${narrowClass()}]*$/.test(string)) {`), loader: 'js' };
    });
    // React DevTools (Ink loads it only when DEV=true) is not a dependency: leave it out.
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]devtools\.js$/ }, () => ({ contents: 'export {};', loader: 'js' }));
    b.onResolve({ filter: /^\./ }, (args) => {
      if (!args.importer.startsWith(srcDir)) return undefined; // a package's own files are bundled
      const file = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      if (file.startsWith(`${tuiDir}/`)) return undefined;
      // dist/src/tui/bundle.js sits where src/tui/index.ts does: the same relative path reaches tsc's output.
      const path = relative(tuiDir, file).replace(/\.ts$/, '.js');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
};

await build({
  entryPoints: ['src/tui/index.ts'],
  outfile: 'dist/src/tui/bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  // zod stays one copy, shared with the API schemas the bundle imports from dist/.
  external: ['zod'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // React and some of Ink's dependencies are CommonJS: give the bundle a require for their `require('node:…')`.
  banner: { js: "import { createRequire as orchCreateRequire } from 'node:module'; const require = orchCreateRequire(import.meta.url);" },
  plugins: [tui],
  logLevel: 'warning',
});
