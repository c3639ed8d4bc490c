import type { Config } from '../config/index.js';
import type { BackendFor, ResolvedAgent } from '../engine/index.js';
// The cycle with index.ts is safe: these are used when a resolver runs, never while modules load.
import { createBackend, DEFAULT_DISALLOWED_TOOLS, sanitizeEnv, SUPPORTED_BACKENDS, type BackendConfig } from './index.js';

type AgentConfig = Config['agent'];

/**
 * `agent:` in a task (or a role) names an agent under [agents] (its fields override [agent]) or a backend id
 * (the [agent] settings with that CLI); none means the coder role, then [agent].
 */
export function createAgentResolver(config: Config, env: NodeJS.ProcessEnv, o: { readOnly?: boolean } = {}): BackendFor {
  const cache = new Map<string, ResolvedAgent>();
  return (name) => {
    const key = name || config.roles.coder || 'default';
    const hit = cache.get(key);
    if (hit) return hit;
    let a: AgentConfig;
    if (key === 'default') a = config.agent;
    else if (config.agents[key]) a = { ...config.agent, ...config.agents[key] } as AgentConfig;
    else if ((SUPPORTED_BACKENDS as readonly string[]).includes(key)) a = { ...config.agent, backend: key as AgentConfig['backend'] };
    else {
      const known = [...Object.keys(config.agents), ...SUPPORTED_BACKENDS].join(', ');
      throw new Error(`agent "${key}" is not configured: add [agents.${key}] to .orch/config.toml or use one of: ${known}`);
    }
    const resolved: ResolvedAgent = {
      name: key,
      backendId: a.backend,
      backend: createBackend(a.backend, o.readOnly ? readOnlyOptions(a, env) : backendOptions(a, env)),
      model: a.model || null,
      systemPrompt: a.system_prompt || null,
      env: sanitizeEnv(env, a.env, { allow: a.pass_env }),
    };
    cache.set(key, resolved);
    return resolved;
  };
}

/** Tools that only read, for the reviewer agent: each CLI's own read-only switch, edits and shells denied. */
export const READ_ONLY_TOOLS = ['Read', 'Glob', 'Grep'];
const WRITE_TOOLS = ['Edit', 'MultiEdit', 'Write', 'NotebookEdit', 'Bash'];

function readOnlyOptions(a: AgentConfig, env: NodeJS.ProcessEnv): BackendConfig {
  return {
    ...backendOptions(a, env),
    permissionMode: 'default',
    allowedTools: READ_ONLY_TOOLS,
    disallowedTools: [...DEFAULT_DISALLOWED_TOOLS, ...a.disallowed_tools, ...WRITE_TOOLS],
    sandbox: 'read-only',
    approvalMode: 'default',
  };
}

function backendOptions(a: AgentConfig, env: NodeJS.ProcessEnv): BackendConfig {
  return {
    command: a.command || undefined,
    extraArgs: a.args,
    permissionMode: a.permission_mode,
    allowedTools: a.allowed_tools,
    disallowedTools: [...DEFAULT_DISALLOWED_TOOLS, ...a.disallowed_tools],
    maxTurns: a.max_turns > 0 ? a.max_turns : undefined,
    env,
  };
}
