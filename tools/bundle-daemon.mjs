// Bundles the daemon (src/daemon/main.ts and everything it imports, zod, Octokit, YAML and TOML included) into
// dist/src/daemon/main.js, the file the CLI starts: one file to load instead of about four hundred (issue 12: the
// first command of a fresh project, which starts the daemon, under 1 s). What is imported on demand (the cluster,
// the GitHub forge) goes to chunks beside it (dist/src/daemon/chunk-*.js), loaded only when used.
// Run by `npm run build` after tsc: tsc's own dist/src/daemon/main.js (one module among the others) is replaced;
// every other file tsc emitted stays for the tests and the other entry points.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const srcDir = resolve('src');
const outDir = resolve('dist/src/daemon');

// Packages that find files next to themselves at run time stay in node_modules: better-sqlite3 its native addon,
// BullMQ its Lua scripts (ioredis goes with it).
const external = ['better-sqlite3', 'bullmq', 'ioredis'];

// `import.meta.url` in a source file means where tsc puts that file (dist/src/<dir>/<file>.js); in the bundle it
// would mean dist/src/daemon/. Each use is rewritten to the file's own dist address, relative to the bundle, so
// `new URL('../mcp/main.js', import.meta.url)` and the package-root lookups find what they found before.
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(srcDir)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const distFile = join(resolve('dist'), relative(resolve('.'), args.path)).replace(/\.ts$/, '.js');
      const rel = relative(outDir, distFile).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

// zod's namespace re-exports every locale (`z.locales`, `z.core.locales`: 40 of them, about a third of the bundle's
// zod); Orch speaks English only, so the namespace holds English alone (schemas.js imports it on its own anyway).
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: `export { default as en } from ${JSON.stringify(resolve('node_modules/zod/v4/locales/en.js'))};`,
      loader: 'js',
      resolveDir: resolve('.'),
    }));
  },
};

// Chunks of an earlier build (their names are content hashes) would stay behind forever.
for (const f of readdirSync(outDir)) if (f.startsWith('chunk-')) rmSync(join(outDir, f));

await build({
  entryPoints: { main: 'src/daemon/main.ts' },
  outdir: outDir,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // PERF: smaller to parse and hold (idle RSS -7 MB); names stay, so stacks and profiles still say where.
  // ORCH_BUNDLE_PLAIN=1 keeps the layout (a CPU profile's line numbers then mean something).
  minifyWhitespace: !process.env.ORCH_BUNDLE_PLAIN,
  minifySyntax: !process.env.ORCH_BUNDLE_PLAIN,
  external,
  // CommonJS packages (yaml, semver) call require for node's own modules: give the bundle one.
  banner: { js: "import { createRequire as orchCreateRequire } from 'node:module'; const require = orchCreateRequire(import.meta.url);" },
  plugins: [ownUrl, zodEnglishOnly],
  logLevel: 'warning',
});
