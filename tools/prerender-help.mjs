// Renders `orch --help` ahead of time (issue 12: within 1.5x of `node -e 0`): takes the root help of the built
// command tree apart (src/cli/fast-help.ts) and writes dist/src/cli/root-help.js, which bin/orch.js prints for the
// terminal's width without loading commander or the command specs. Run by `npm run build` after tsc.
import { writeFileSync } from 'node:fs';
import { rootHelpModel } from '../dist/src/cli/fast-help.js';
import { program } from '../dist/src/cli/program.js';

const model = rootHelpModel(program);
writeFileSync(
  'dist/src/cli/root-help.js',
  `// Written by tools/prerender-help.mjs from src/cli/program.ts: \`orch --help\`, taken apart (src/cli/fast-help.ts).
import { renderRootHelp } from './fast-help.js';
const model = ${JSON.stringify(model)};
/** The root help wrapped to \`width\` columns, as commander prints it. */
export const rootHelp = (width) => renderRootHelp(model, width);
`,
);
