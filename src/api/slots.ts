import type { RunState } from './schemas.js';

/**
 * States in which a run holds one of the max_parallel_agents slots; runs merging or cleaning up do not. No zod here:
 * the web page imports it as a value.
 */
export const SLOT_STATES: ReadonlySet<RunState> = new Set<RunState>(['queued', 'preparing', 'spawning', 'running', 'agent_done', 'committed']);
