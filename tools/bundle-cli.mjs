// Bundles the CLI's front (src/cli/main.ts, the command specs, lazy.ts and commander) into dist/src/cli/orch.js,
// the file bin/orch.js runs: one file to load instead of about twenty (issue 12: `orch --help` within 1.5x of
// `node -e 0`). Every other module of src/ stays tsc's, imported from the bundle at its dist path, so a module with
// state (io.ts: colour, a closed stdout; errors.ts: CliError for instanceof) exists once, shared with the commands.
// Run by `npm run build` after tsc, which type-checks and emits everything else.
import { build } from 'esbuild';
import { dirname, relative, resolve } from 'node:path';

const srcDir = resolve('src');
const cliDir = resolve('src/cli');
// Stateless modules of the start-up path go in too (help texts, the built-in prompt names): four files fewer to load.
// A module with state or a class others test with instanceof must stay tsc's (see above).
const bundled = (file) =>
  [resolve(cliDir, 'main.ts'), resolve(cliDir, 'program.ts'), resolve(cliDir, 'lazy.ts'), resolve(cliDir, 'help.ts')].includes(file) || [resolve(cliDir, 'specs'), resolve(srcDir, 'prompts')].includes(dirname(file));

const tscModules = {
  name: 'tsc-modules-stay-external',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (!args.importer.startsWith(srcDir)) return undefined; // a package's own files (commander's) are bundled
      const file = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      if (bundled(file)) return undefined;
      // dist/src/cli/orch.js sits where src/cli/main.ts does: the same relative path reaches tsc's output.
      const path = relative(cliDir, file).replace(/\.ts$/, '.js');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
};

// PERF: commander requires node:child_process (and with it node:dgram and net) at load, for executable subcommands
// Orch does not have; that is 15 ms of the 85 ms `orch --help` costs. Its one use, spawn, loads it when called.
const lazyChildProcess = {
  name: 'commander-child-process-on-use',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`node_modules/commander/`) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = { spawn: (...a) => require('node:child_process').spawn(...a) };",
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/src/cli/orch.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // commander is CommonJS: give the bundle a require for its `require('node:events')` and friends.
  banner: { js: "import { createRequire as orchCreateRequire } from 'node:module'; const require = orchCreateRequire(import.meta.url);" },
  plugins: [tscModules, lazyChildProcess],
  logLevel: 'warning',
});
