/**
 * Orch's MCP server for a Gemini CLI run. Gemini reads MCP servers only from settings files: the system file
 * (skipped unless root-owned all the way up), the user's `<GEMINI_CLI_HOME>/.gemini/settings.json` and the
 * workspace's `.gemini/settings.json` (inside the worktree, where it would be committed). So each run gets its
 * own GEMINI_CLI_HOME: a private dir whose `.gemini/settings.json` is the user's settings plus the `orch`
 * server, and whose other `.gemini` entries link to the user's (credentials, `tmp/` with the sessions, projects
 * map), so auth and resume work as in the user's own home.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MCP_CALL_TIMEOUT_MS, ORCH_MCP_NAME, privateDir, stdioLaunch, type McpSpec } from '../mcp.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The user's settings; Gemini allows `//` comments, which a line-based strip covers for hand-written files. */
const readSettings = (file: string): Json => {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  for (const candidate of [text, text.replace(/^\s*\/\/.*$/gm, '')]) {
    try {
      const v: unknown = JSON.parse(candidate);
      if (isObject(v)) return v;
    } catch {
      // try the next form
    }
  }
  return {};
};

/** Settings for the run: the user's, with `orch` as the only MCP server (as Claude's `--strict-mcp-config`). */
export const geminiMcpSettings = (user: Json, launch: { command: string; args: string[] }, cwd: string): Json => ({
  ...user,
  mcpServers: { [ORCH_MCP_NAME]: { command: launch.command, args: launch.args, cwd, timeout: MCP_CALL_TIMEOUT_MS, trust: true } },
});

/**
 * Prepares `<configDir>/gemini-home` and returns it (for GEMINI_CLI_HOME). `userHome` is where the user's
 * `.gemini` lives (their GEMINI_CLI_HOME, else HOME).
 */
export const geminiMcpHome = (mcp: McpSpec, userHome: string, cwd: string): string => {
  const launch = stdioLaunch(mcp, 'gemini', cwd);
  const home = join(privateDir(mcp), 'gemini-home');
  const dir = join(home, '.gemini');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const userDir = join(userHome, '.gemini');
  // Sessions must outlive this run's dir and stay where `gemini --resume` looks for them.
  mkdirSync(join(userDir, 'tmp'), { recursive: true });
  for (const entry of readdirSync(userDir)) {
    if (entry === 'settings.json') continue;
    const link = join(dir, entry);
    if (!existsSync(link) && !isLink(link)) symlinkSync(join(userDir, entry), link);
  }
  const settings = geminiMcpSettings(readSettings(join(userDir, 'settings.json')), launch, cwd);
  writeFileSync(join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  return home;
};

const isLink = (path: string): boolean => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};

/** Where the user's `.gemini` is for a run: the backend's `home` option, else the child's GEMINI_CLI_HOME or HOME. */
export const geminiUserHome = (optsHome: string | undefined, env: Record<string, string>): string =>
  optsHome || env.GEMINI_CLI_HOME || env.HOME || homedir();
