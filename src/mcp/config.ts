import { MCP_SERVER_NAME } from './server.js';

/** Every tool the Orch MCP server can offer, as Claude Code names them (`mcp__<server>__<tool>`), for `--allowedTools`. */
export const ORCH_MCP_TOOLS: readonly string[] = ['orch_done', 'orch_stuck', 'orch_ask', 'run_build', 'run_test', 'run_lint'].map(
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

/** Inline JSON for Claude Code's `--mcp-config`; pair it with `--strict-mcp-config` so no other server loads. */
export const claudeMcpConfig = (opts: ClaudeMcpConfigOptions): string =>
  JSON.stringify({
    mcpServers: {
      [MCP_SERVER_NAME]: { type: 'stdio', command: opts.node, args: [opts.entry], env: opts.env },
    },
  });
