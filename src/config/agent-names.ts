import { AGENT_BACKENDS, type Config } from './schema.js';

/** The names a task or role may pick an agent by: a backend id, or a name under [agents]. */
export const agentNames = (config: Pick<Config, 'agents'>): string[] => [...new Set([...AGENT_BACKENDS, ...Object.keys(config.agents)])];
