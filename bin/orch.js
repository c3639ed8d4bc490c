#!/usr/bin/env node
// PERF: the version and the root help need nothing else loaded (issue 12: `orch --version` and `orch --help`
// within 1.5x of `node -e 0`).
const arg = process.argv[2];
const rest = process.argv.slice(2).filter((a) => a !== '--no-color');
if (process.argv.length === 3 && (arg === '--version' || arg === '-V')) {
  const { VERSION } = await import('../dist/src/version.js');
  process.stdout.write(`${VERSION}\n`);
} else if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h') && (await printRootHelp())) {
  // printed from dist/src/cli/root-help.js (tools/prerender-help.mjs), wrapped as commander wraps it
} else {
  // The bundled front of the CLI (tools/bundle-cli.mjs); dist/src/cli/main.js is the same, unbundled.
  await import('../dist/src/cli/orch.js');
}

/** `orch --help` as commander prints it, for stdout's width; false (the full CLI prints it) when not prerendered. */
async function printRootHelp() {
  let text;
  try {
    const { rootHelp } = await import('../dist/src/cli/root-help.js');
    text = rootHelp((process.stdout.isTTY ? process.stdout.columns : undefined) ?? 80);
  } catch {
    return false;
  }
  // A reader that closes the pipe early (`orch --help | head -3`) is not a crash.
  process.stdout.on('error', (e) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
  process.stdout.write(text);
  return true;
}
