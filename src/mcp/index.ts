/**
 * The MCP server Orch gives every agent run (A7, U6): `orch_done`, `orch_stuck` and `orch_ask` signal the daemon
 * through `/api/runs/:id/signals`; `run_build`, `run_test` and `run_lint` run the configured argv in the worktree.
 * Each backend hands it to its CLI in that CLI's own format (src/agents/mcp.ts and the backends); the
 * `mcpServerEnv(...)` variables reach it in its environment (Claude) or in a 0600 `--env-file` (the others).
 */
// The server itself (and the MCP SDK, 25 MB and most of a second to load) is only in main.ts's process, started
// per agent run: the daemon imports this index, so it does not export server.ts (issue 12, daemon start and RSS).
export { claudeMcpConfig, MCP_SERVER_NAME, MCP_TOOL_TIMEOUT_MS, ORCH_MCP_TOOLS, type ClaudeMcpConfigOptions } from './config.js';
export { ENV_FILE_FLAG, MCP_ENV_NAMES, mcpServerEnv, readEnvFileArg, readMcpServerEnv, type McpServerEnv } from './env.js';
export {
  COMMAND_KINDS, COMMAND_OUTPUT_CHARS, COMMAND_TIMEOUT_MS, runProjectCommand,
  type CommandKind, type CommandRun, type ProjectCommands, type RunCommandOptions,
} from './commands.js';
export { createDaemonClient, type DaemonClient, type DaemonClientOptions, type DaemonResult } from './daemon.js';
