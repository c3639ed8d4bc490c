// Runs before `npm pack` / `npm publish` (after `prepare` built dist/): refuses a package without its built CLI.
import { existsSync } from 'node:fs';

const needed = ['dist/src/cli/main.js', 'dist/src/daemon/main.js', 'dist/src/mcp/main.js', 'dist/src/version.js', 'LICENSE'];
const missing = needed.filter((f) => !existsSync(new URL(`../${f}`, import.meta.url)));
if (missing.length > 0) {
  process.stderr.write(`the package would lack ${missing.join(', ')}: run \`npm run build\` (npm runs it as \`prepare\`)\n`);
  process.exit(1);
}
