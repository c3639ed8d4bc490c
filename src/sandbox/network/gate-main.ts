/** Entry of the sandbox's network gate (see gate.ts): `node gate-main.js host|guest <spec> -- argv...`. */
import { main } from './gate.js';

await main(process.argv.slice(2));
