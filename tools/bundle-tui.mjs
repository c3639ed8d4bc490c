// Bundles the terminal UI (src/tui, Ink, React, Yoga) into dist/src/tui/bundle.js, the file `orch tui` loads:
// one file instead of some 150 modules (about 2.5x faster to start, 25 MB less), React's production build, Ink's
// text caches bounded and its frame-building hot paths made cheaper (`edits` below, each measured by bench:tui). Ink 6 (the last line that runs on Node 20) keeps every distinct string it ever
// measured or wrapped in module-level caches that are never emptied (ink#986, fixed in Ink 7 which needs Node 22):
// a screen of agents' output, every line new, grows memory without bound. Other modules of src/ stay tsc's,
// imported from the bundle at their dist path, as in bundle-cli.mjs. Run by `npm run build` after tsc.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

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
      "                row.push({\n                    type: 'char',\n                    value: ' ',\n                    fullWidth: false,\n                    styles: [],\n                });",
      '                row.push(BLANK_CELL);',
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
    // Nothing writes into a cell's styles: cells between two codes share one array (reduce returns a new one).
    ['                styles: [...codes],', '                styles: codes,'],['            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));', '            const from = chars[i - 1].styles;\n            if (!sameStyles(from, char.styles)) ret += ansiCodesToString(diffAnsiCodes(from, char.styles));'],
    ['export function styledCharsToString(chars) {', 'const sameStyles = (a, b) => a === b || (a.length === b.length && a.every((c, i) => c.code === b[i].code && c.endCode === b[i].endCode));\nexport function styledCharsToString(chars) {']],
  'wrap-text.js': [
    ['const cache = {};', 'const cache = new Map();'],
    ['const cachedText = cache[cacheKey];', 'const cachedText = cache.get(cacheKey);'],
    ['cache[cacheKey] = wrappedText;', `${evict('cache')} cache.set(cacheKey, wrappedText);`],
  ],
};

const tui = {
  name: 'orch-tui',
  setup(b) {
    b.onLoad({ filter: /[\\/](ink[\\/]build[\\/](measure-text|wrap-text|output|ink)|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars)\.js$/ }, (args) => {
      const name = args.path.split(/[\\/]/).pop();
      let text = readFileSync(args.path, 'utf8');
      for (const [from, to] of edits[name]) {
        if (text.split(from).length !== 2) throw new Error(`bundle-tui: ${args.path} no longer holds \`${from}\` once; check whether this Ink bounds its caches and update tools/bundle-tui.mjs`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
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
