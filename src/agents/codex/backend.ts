import { MCP_CALL_TIMEOUT_MS, ORCH_MCP_NAME, stdioLaunch } from '../mcp.js';
import type { AgentBackend, AgentRunRequest } from '../types.js';
import { parseCodexLine } from './parse.js';
import { createCliBackend } from './runner.js';

export interface CodexBackendOptions {
  /** Executable name looked up on PATH, or a path. Default (also for "") `codex`. */
  command?: string;
  /** Before the prompt (and the thread id): `-c key=value` overrides, `--add-dir`, ... */
  extraArgs?: string[];
  /** Default `workspace-write`: exec already runs with approval `never`, and the default sandbox is read-only. */
  sandbox?: 'read-only' | 'workspace-write' | 'danger-full-access';
  /** Environment used by `check()` to find the command. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL on cancel. Default 3000. */
  graceMs?: number;
}

/** The config key naming another binary, quoted in install hints. */
export const CODEX_COMMAND_CONFIG_KEY = 'agent.command';

const installHint = (command: string): string =>
  `Install Codex with \`npm i -g @openai/codex\`, or set ${CODEX_COMMAND_CONFIG_KEY} in the config to the path of the binary (now "${command}").`;

/**
 * `-c` overrides declaring Orch's MCP server (values are TOML; a JSON string or string array is valid TOML).
 * Codex asks before every MCP tool call and `exec` runs with approval `never`, which turns each call into an
 * error: the server's tools are approved up front. Codex 0.169 defers MCP tools behind its `tool_search` tool
 * (namespace `mcp__orch`). The daemon token is not here: the server reads it from a 0600 file (see `../mcp.ts`).
 */
export const codexMcpArgs = (launch: { command: string; args: string[] }): string[] => {
  const key = `mcp_servers.${ORCH_MCP_NAME}`;
  return [
    '-c', `${key}.command=${JSON.stringify(launch.command)}`,
    '-c', `${key}.args=${JSON.stringify(launch.args)}`,
    '-c', `${key}.default_tools_approval_mode="approve"`,
    '-c', `${key}.startup_timeout_sec=30`,
    '-c', `${key}.tool_timeout_sec=${Math.round(MCP_CALL_TIMEOUT_MS / 1000)}`,
  ];
};

/**
 * argv for one run. `exec resume` refuses `-s` and `-C`, so a resumed run sets the sandbox through `-c` and
 * relies on the spawn cwd. `--` ends the options, so a prompt starting with a dash stays the prompt.
 * The system prompt has no flag of its own in exec mode: it is prepended to the prompt.
 */
export const buildCodexArgs = (opts: CodexBackendOptions, req: Pick<AgentRunRequest, 'prompt' | 'resumeSessionId' | 'model' | 'systemPrompt' | 'cwd' | 'mcp'> & Partial<Pick<AgentRunRequest, 'contain'>>): string[] => {
  // Codex's own Linux sandbox cannot start inside Orch's ("bwrap: execvp codex-linux-sandbox"): there, Orch's
  // bubblewrap is the containment (read-only worktree for a read-only agent), and Codex's is turned off.
  const sandbox = req.contain ? 'danger-full-access' : (opts.sandbox ?? 'workspace-write');
  const model = req.model ? ['-m', req.model] : [];
  const prompt = req.systemPrompt ? `${req.systemPrompt}\n\n${req.prompt}` : req.prompt;
  const extra = [...(req.mcp ? codexMcpArgs(stdioLaunch(req.mcp, 'codex', req.cwd)) : []), ...(opts.extraArgs ?? [])];
  if (req.resumeSessionId) {
    return ['exec', 'resume', '--json', '--skip-git-repo-check', ...model, '-c', `sandbox_mode="${sandbox}"`, ...extra, '--', req.resumeSessionId, prompt];
  }
  return ['exec', '--json', '--skip-git-repo-check', '-C', req.cwd, ...model, '-s', sandbox, ...extra, '--', prompt];
};

export const createCodexBackend = (opts: CodexBackendOptions = {}): AgentBackend => {
  const command = opts.command || 'codex';
  return createCliBackend({
    id: 'codex',
    label: 'Codex',
    command,
    installHint: installHint(command),
    parse: parseCodexLine,
    args: (req) => buildCodexArgs(opts, req),
    ...(opts.env ? { checkEnv: opts.env } : {}),
    ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
  });
};
