// Bundles the CLI's front (src/cli/main.ts, the command specs, commander) into dist/src/cli/orch.js, the file
// bin/orch.js runs: one file to load instead of about twenty (issue 12: `orch --help` within 1.5x of `node -e 0`).
// Command implementations stay tsc's modules under dist/src/cli/commands/, imported when a command runs.
// Run by `npm run build` after tsc, which type-checks and emits everything else.
import { build } from 'esbuild';

const commands = {
  name: 'commands-stay-external',
  setup(b) {
    // The specs import '../commands/x.js' from src/cli/specs/; from dist/src/cli/orch.js that is './commands/x.js'.
    b.onResolve({ filter: /^\.\.\/commands\// }, (args) => ({ path: args.path.replace(/^\.\.\//, './'), external: true }));
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
  plugins: [commands],
  logLevel: 'warning',
});
