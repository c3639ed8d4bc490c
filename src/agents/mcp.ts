/**
 * How a backend hands Orch's MCP server to its CLI without putting the daemon token on a command line
 * (/proc/<pid>/cmdline is world-readable) or in the agent's own environment (its shell tool would inherit it).
 * The server's variables go into a 0600 file in the run's private config dir; the server is started as
 * `<command> <args...> --env-file <file>` and reads them from there (src/mcp/main.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_FILE_FLAG } from '../mcp/env.js';
import type { AgentRunRequest } from './types.js';

export type McpSpec = NonNullable<AgentRunRequest['mcp']>;

/** The server name every CLI sees; its tools appear as `mcp__orch__*` (Claude), `orch_*` (OpenCode), ... */
export const ORCH_MCP_NAME = 'orch';

/** Per-tool-call limit handed to CLIs that have one: above a 10-minute build and orch_ask's wait. */
export const MCP_CALL_TIMEOUT_MS = 15 * 60_000;

/** Creates the run's private config dir (0700) and returns it. */
export const privateDir = (mcp: McpSpec): string => {
  mkdirSync(mcp.configDir, { recursive: true, mode: 0o700 });
  return mcp.configDir;
};

/**
 * Writes the server's variables (plus `ORCH_CWD`, the worktree its build/test/lint run in) to
 * `<configDir>/<backend>-mcp-env.json` (0600) and returns the stdio command that makes the server read them.
 */
export const stdioLaunch = (mcp: McpSpec, backend: string, cwd: string | undefined): { command: string; args: string[] } => {
  const file = join(privateDir(mcp), `${backend}-mcp-env.json`);
  // Without a cwd the server uses its own, which every CLI here sets to the agent's.
  writeFileSync(file, JSON.stringify({ ...(cwd ? { ORCH_CWD: cwd } : {}), ...mcp.env }), { mode: 0o600 });
  return { command: mcp.command, args: [...mcp.args, ENV_FILE_FLAG, file] };
};
