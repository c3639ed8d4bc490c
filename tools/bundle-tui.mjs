// Bundles the terminal UI (src/tui, Ink, React, Yoga) into dist/src/tui/bundle.js, the file `orch tui` loads:
// one file instead of some 150 modules (about 2.5x faster to start, 25 MB less), React's production build, and
// Ink's two text caches bounded. Ink 6 (the last line that runs on Node 20) keeps every distinct string it ever
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
const evict = (cache) => `if (${cache}.size >= ${CACHE_ENTRIES}) ${cache}.delete(${cache}.keys().next().value);`;

/** Each edit must find its text once: an Ink release that moved the code fails the build here, not users later. */
const edits = {
  'measure-text.js': [['cache.set(text, dimensions);', `${evict('cache')} cache.set(text, dimensions);`]],
  'wrap-text.js': [
    ['const cache = {};', 'const cache = new Map();'],
    ['const cachedText = cache[cacheKey];', 'const cachedText = cache.get(cacheKey);'],
    ['cache[cacheKey] = wrappedText;', `${evict('cache')} cache.set(cacheKey, wrappedText);`],
  ],
};

const tui = {
  name: 'orch-tui',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/](measure-text|wrap-text)\.js$/ }, (args) => {
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
