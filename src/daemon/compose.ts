import { createPaths, type ProjectPaths } from '../paths/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { createStore } from '../store/index.js';
import { createGit, defaultBranch, repoRoot } from '../git/index.js';
import { createBackend, DEFAULT_DISALLOWED_TOOLS, isAlive, isOurProcess, killGroup, sanitizeEnv, SUPPORTED_BACKENDS, type BackendConfig } from '../agents/index.js';
import { createEngine, RUN_ENV_KEY, type BackendFor, type Engine, type ResolvedAgent } from '../engine/index.js';
import { createRepoPort } from './repo.js';
import { createGitHubPort } from './forge.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_KINDS, COMMAND_TIMEOUT_MS, mcpServerEnv, ORCH_MCP_TOOLS, runProjectCommand } from '../mcp/index.js';
import type { Verification } from '../api/index.js';
import { createClusterService, type ClusterService } from '../cluster/index.js';

const mcpEntry = fileURLToPath(new URL('../mcp/main.js', import.meta.url));

export interface ComposeOptions {
  /** Any directory inside the project's git repository. */
  root: string;
  env?: NodeJS.ProcessEnv;
  log?: (msg: string) => void;
  /** Filled in by the server once it listens; agents' MCP servers call the daemon there. */
  address?: { url?: string; token?: string };
}

export class ProjectError extends Error {
  override readonly name = 'ProjectError';
}

/** The one place where the daemon's services are created and wired. */
export async function composeDaemon(o: ComposeOptions): Promise<{
  root: string;
  paths: ProjectPaths;
  config: Config;
  targetBranch: string;
  engine: Engine;
  cluster?: ClusterService;
  close: () => void;
}> {
  const env = o.env ?? process.env;
  const log = o.log ?? (() => undefined);
  const git = createGit();
  const root = await repoRoot(git, o.root);
  if (!root) throw new ProjectError(`${o.root} is not inside a git repository; run orch from your project's checkout (or \`git init\` it first)`);
  const allPaths = createPaths(env);
  const paths = allPaths.project(root);
  const loaded = loadConfig({ paths: allPaths, root });
  if (!loaded.ok) throw loaded.error;
  for (const w of loaded.warnings) log(`config: ${w.message}`);
  const config = loaded.config;
  const targetBranch = config.target_branch || (await defaultBranch(git, root));
  if (!targetBranch) throw new ProjectError(`cannot tell the target branch of ${root}: the repository has no commits; make a first commit or set target_branch in .orch/config.toml`);
  const store = createStore(paths.dbFile);
  const redisUrl = env.ORCH_REDIS_URL || config.cluster.redis_url;
  const cluster = redisUrl
    ? createClusterService({ cfg: { ...config.cluster, redis_url: redisUrl }, root, projectKey: paths.key, stateDir: paths.stateDir, log })
    : undefined;
  await cluster?.ready();
  const resolveAgent = createAgentResolver(config, env);
  const engine = createEngine({
    root,
    projectKey: paths.key,
    logsDir: paths.logsDir,
    worktreesDir: paths.worktreesDir,
    config,
    targetBranch,
    store,
    repo: createRepoPort(git, root),
    forge: config.forge.kind === 'github' ? createGitHubPort(git, root, config.forge, env) : undefined,
    procs: {
      isAlive,
      isOurs: (pid, runId) => isOurProcess(pid, { envKey: RUN_ENV_KEY, envValue: runId }),
      killGroup: async (pgid, graceMs) => {
        await killGroup(pgid, graceMs);
      },
    },
    // With a cluster, an agent's turn goes to a worker when one can take it, and runs here otherwise.
    backendFor: cluster ? (name) => cluster.wrap(resolveAgent(name)) : resolveAgent,
    verify: createVerifier(config, env),
    reviewerFor: createAgentResolver(config, env, { readOnly: true }),
    log,
    userConfigDir: allPaths.configDir,
    mcpFor: (run) => {
      const a = o.address;
      if (!a?.url || !a.token) return undefined;
      const env = mcpServerEnv({ daemonUrl: a.url, token: a.token, runId: run.id, commands: config.commands, answerWaitMs: config.agent.answer_wait_seconds * 1000 });
      return { command: process.execPath, args: [mcpEntry], env, tools: [...ORCH_MCP_TOOLS], configDir: join(paths.stateDir, 'runs', run.id) };
    },
  });
  return {
    root,
    paths,
    config,
    targetBranch,
    engine,
    ...(cluster ? { cluster } : {}),
    close: () => {
      void cluster?.close();
      store.close();
    },
  };
}

type AgentConfig = Config['agent'];

/**
 * The project's own build, test and lint (`[commands]`) run in a finished run's worktree, in that order, each with a
 * timeout, with the agent's sanitised environment. A command that cannot start is recorded as failed with the reason.
 */
export function createVerifier(config: Config, env: NodeJS.ProcessEnv, timeoutMs = COMMAND_TIMEOUT_MS): (worktree: string, signal?: AbortSignal) => Promise<Verification[]> {
  const childEnv = sanitizeEnv(env, config.agent.env, { allow: config.agent.pass_env });
  return async (worktree, signal) => {
    const out: Verification[] = [];
    for (const kind of COMMAND_KINDS) {
      const argv = config.commands[kind];
      if (argv.length === 0) continue;
      if (signal?.aborted) break;
      const r = await runProjectCommand({ kind, argv, cwd: worktree, env: childEnv, timeoutMs, maxOutputChars: 4000, ...(signal ? { signal } : {}) });
      out.push({
        kind,
        ok: r.ok,
        command: r.result?.command ?? argv.join(' '),
        exitCode: r.result?.exitCode ?? null,
        timedOut: r.result?.timedOut ?? false,
        durationMs: r.result?.durationMs ?? 0,
        outputTail: r.result?.outputTail ?? r.text,
      });
    }
    return out;
  };
}

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
