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
    `--config=${key}.command=${JSON.stringify(launch.command)}`,
    `--config=${key}.args=${JSON.stringify(launch.args)}`,
    `--config=${key}.default_tools_approval_mode="approve"`,
    `--config=${key}.startup_timeout_sec=30`,
    `--config=${key}.tool_timeout_sec=${Math.round(MCP_CALL_TIMEOUT_MS / 1000)}`,
  ];
};

/**
 * argv for one run. `exec resume` refuses `-s` and `-C`, so a resumed run sets the sandbox through `-c` and
 * relies on the spawn cwd. The prompt is `-`, which `exec` reads from stdin (`codexPrompt`): plan text never
 * reaches argv, so it cannot become an option and a large epic cannot fail with E2BIG. Values go as
 * `--flag=value`, so a model named `--version` stays a model name; `--` ends the options before the session id.
 */
export const buildCodexArgs = (opts: CodexBackendOptions, req: Pick<AgentRunRequest, 'resumeSessionId' | 'model' | 'cwd' | 'mcp'> & Partial<Pick<AgentRunRequest, 'prompt' | 'systemPrompt'>> & Partial<Pick<AgentRunRequest, 'contain'>>): string[] => {
  // Codex's own Linux sandbox cannot start inside Orch's ("bwrap: execvp codex-linux-sandbox"): there, Orch's
  // bubblewrap is the containment (read-only worktree for a read-only agent), and Codex's is turned off.
  const sandbox = req.contain ? 'danger-full-access' : (opts.sandbox ?? 'workspace-write');
  const model = req.model ? [`--model=${req.model}`] : [];
  const extra = [...(req.mcp ? codexMcpArgs(stdioLaunch(req.mcp, 'codex', req.cwd)) : []), ...(opts.extraArgs ?? [])];
  if (req.resumeSessionId) {
    return ['exec', 'resume', '--json', '--skip-git-repo-check', ...model, `--config=sandbox_mode="${sandbox}"`, ...extra, '--', req.resumeSessionId, STDIN_PROMPT];
  }
  return ['exec', '--json', '--skip-git-repo-check', `--cd=${req.cwd}`, ...model, `--sandbox=${sandbox}`, ...extra, '--', STDIN_PROMPT];
};

/** `exec`'s prompt argument meaning "read the instructions from stdin". */
const STDIN_PROMPT = '-';

/** The text for stdin: the system prompt (exec mode has no flag for one) before the prompt. */
export const codexPrompt = (req: Pick<AgentRunRequest, 'prompt' | 'systemPrompt'>): string =>
  req.systemPrompt ? `${req.systemPrompt}\n\n${req.prompt}` : req.prompt;

export const createCodexBackend = (opts: CodexBackendOptions = {}): AgentBackend => {
  const command = opts.command || 'codex';
  return createCliBackend({
    id: 'codex',
    label: 'Codex',
    command,
    installHint: installHint(command),
    parse: parseCodexLine,
    args: (req) => buildCodexArgs(opts, req),
    stdin: codexPrompt,
    ...(opts.env ? { checkEnv: opts.env } : {}),
    ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
  });
};
