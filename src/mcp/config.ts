import { COMMAND_TIMEOUT_MS } from './commands.js';

/** The name agents know the Orch MCP server by. */
export const MCP_SERVER_NAME = 'orch';

/**
 * Claude's per-server tool-call limit: above the 10-minute command timeout and orch_ask's wait, so a user's
 * smaller MCP_TOOL_TIMEOUT cannot cut a build short. (Claude 2.1.197's own stdio default is 1e8 ms.)
 */
export const MCP_TOOL_TIMEOUT_MS = COMMAND_TIMEOUT_MS + 5 * 60_000;

/** Every tool the Orch MCP server can offer, as Claude Code names them (`mcp__<server>__<tool>`), for `--allowedTools`. */
export const ORCH_MCP_TOOLS: readonly string[] = ['orch_done', 'orch_stuck', 'orch_ask', 'run_build', 'run_test', 'run_lint', 'worker_status', 'job_logs'].map(
  (tool) => `mcp__${MCP_SERVER_NAME}__${tool}`,
);

export interface ClaudeMcpConfigOptions {
  /** The node executable (`process.execPath`). */
  node: string;
  /** The built entry point, `dist/src/mcp/main.js`. */
  entry: string;
  /** ORCH_DAEMON_URL, ORCH_DAEMON_TOKEN, ORCH_RUN_ID, ORCH_COMMANDS (see `mcpServerEnv`). */
  env: Record<string, string>;
}

/**
 * Inline JSON for Claude Code's `--mcp-config`; pair it with `--strict-mcp-config` so no other server loads.
 * `alwaysLoad` keeps the tools in every request instead of deferring them behind tool search: the agent must
 * see orch_done and orch_ask without looking for them.
 */
export const claudeMcpConfig = (opts: ClaudeMcpConfigOptions): string =>
  JSON.stringify({
    mcpServers: {
      [MCP_SERVER_NAME]: {
        type: 'stdio', command: opts.node, args: [opts.entry], env: opts.env, timeout: MCP_TOOL_TIMEOUT_MS, alwaysLoad: true,
      },
    },
  });
