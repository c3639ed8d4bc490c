export { createPaths } from './paths.js';
export type { Env, OrchPaths, ProjectPaths } from './paths.js';
export { secureStateDir } from './secure.js';
