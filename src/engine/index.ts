export { createEngine, type Engine, type EngineDeps } from './engine.js';
export { RequestError, normalizeTaskId } from './scheduler.js';
export { RUN_ENV_KEY, type RepoPort, type ProcessPort, type BackendFor, type ResolvedAgent, type ForgePort, type ContainFor, type ContainPlace } from './ports.js';
export { buildPrompt } from './prompt.js';
export { commitMessage } from './commit-message.js';
export { oneShotTurn } from './one-shot.js';
