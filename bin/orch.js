#!/usr/bin/env node
// PERF: the version needs nothing else loaded (issue 12: `orch --version` within 1.5x of `node -e 0`).
const arg = process.argv[2];
if (process.argv.length === 3 && (arg === '--version' || arg === '-V')) {
  const { VERSION } = await import('../dist/src/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  // The bundled front of the CLI (tools/bundle-cli.mjs); dist/src/cli/main.js is the same, unbundled.
  await import('../dist/src/cli/orch.js');
}
