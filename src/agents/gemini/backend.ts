import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCliBackend } from '../codex/runner.js';
import type { AgentBackend, AgentRunRequest } from '../types.js';
import { geminiDenyPolicy, shellDenyPrefixes } from '../deny.js';
import { ORCH_MCP_NAME, privateDir } from '../mcp.js';
import { geminiMcpHome, geminiUserHome } from './mcp.js';
import { parseGeminiLine } from './parse.js';

export interface GeminiBackendOptions {
  /** Executable name looked up on PATH, or a path. Default (also for "") `gemini`. */
  command?: string;
  /** Appended after every other argument. */
  extraArgs?: string[];
  /** Default `yolo`: the only mode that offers the shell tool at all (AGENT-CLIS.md 7.1). */
  approvalMode?: 'default' | 'auto_edit' | 'yolo' | 'plan';
  /** Environment used by `check()` to find the command. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL on cancel. Default 3000. */
  graceMs?: number;
  /**
   * Orch's deny-list, Claude-style (`Bash(git push:*)`); default DEFAULT_DISALLOWED_TOOLS. Its shell prefixes
   * become a `--policy` file denying them (written in the run's private dir, so only for runs given one: `mcp`).
   */
  disallowedTools?: string[];
  /**
   * `GEMINI_CLI_HOME`: where `.gemini/` (user settings, sessions) lives. Default: the child's HOME. Resuming needs
   * the same home as the run that made the session. `writeGeminiSettings` prepares one for headless runs.
   */
  home?: string;
}

/**
 * User settings a headless run needs (AGENT-CLIS.md 7.1, 7.4). `selectedType`: with `GOOGLE_GEMINI_BASE_URL`
 * set, the auth type from the environment is "gateway", which `-p` mode rejects (exit 41). No usage statistics
 * (telemetry lookups), no update checks. Settings given via `GEMINI_CLI_SYSTEM_SETTINGS_PATH` do not help: the
 * CLI skips a system file that is not root-owned.
 */
export const GEMINI_HEADLESS_SETTINGS = {
  security: { auth: { selectedType: 'gemini-api-key' } },
  privacy: { usageStatisticsEnabled: false },
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
} as const;

/**
 * Writes `<home>/.gemini/settings.json`: the headless settings with `general` and `security` merged one level
 * deep with `extra` (e.g. `{ general: { maxAttempts: 1 } }`: a failing request is otherwise retried for minutes).
 */
export const writeGeminiSettings = (home: string, extra: Record<string, Record<string, unknown>> = {}): string => {
  const dir = join(home, '.gemini');
  mkdirSync(dir, { recursive: true });
  const base: Record<string, Record<string, unknown>> = GEMINI_HEADLESS_SETTINGS;
  const merged = { ...base, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { ...base[k], ...v }])) };
  const file = join(dir, 'settings.json');
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  return file;
};

export const GEMINI_COMMAND_CONFIG_KEY = 'agent.command';

const installHint = (command: string): string =>
  `Install Gemini CLI with \`npm i -g @google/gemini-cli\`, or set ${GEMINI_COMMAND_CONFIG_KEY} in the config to the path of the binary (now "${command}").`;

/**
 * argv for one run. `--skip-trust`: a fresh home otherwise exits 55 before doing anything. The prompt goes on
 * stdin (`geminiPrompt`), which makes a run headless and is the whole input when `-p` is absent: plan text never
 * reaches argv (no option injection, no E2BIG). Values go as `--flag=value`, so a model named `--version` stays a
 * model name.
 */
export const buildGeminiArgs = (opts: GeminiBackendOptions, req: Pick<AgentRunRequest, 'resumeSessionId' | 'model' | 'mcp'> & Partial<Pick<AgentRunRequest, 'prompt' | 'systemPrompt'>>): string[] => {
  const args = ['--output-format=stream-json', '--skip-trust', `--approval-mode=${opts.approvalMode ?? 'yolo'}`];
  if (req.model) args.push(`--model=${req.model}`);
  if (req.resumeSessionId) args.push(`--resume=${req.resumeSessionId}`);
  if (req.mcp) {
    // Extensions can bring MCP servers of their own; the run gets Orch's only (its settings: see ./mcp.ts).
    args.push(`--allowed-mcp-server-names=${ORCH_MCP_NAME}`);
    const policy = geminiDenyPolicy(shellDenyPrefixes(opts.disallowedTools));
    if (policy) {
      const file = join(privateDir(req.mcp), 'gemini-deny.toml');
      writeFileSync(file, policy, { mode: 0o600 });
      args.push(`--policy=${file}`);
    }
  }
  return [...args, ...(opts.extraArgs ?? [])];
};

/**
 * The text for stdin: the system prompt (no flag: GEMINI_SYSTEM_MD would replace the whole built-in prompt) before
 * the prompt. Gemini CLI reads stdin up to 8 MB; epics are capped far below that at sync.
 */
export const geminiPrompt = (req: Pick<AgentRunRequest, 'prompt' | 'systemPrompt'>): string =>
  req.systemPrompt ? `${req.systemPrompt}\n\n${req.prompt}` : req.prompt;

export const createGeminiBackend = (opts: GeminiBackendOptions = {}): AgentBackend => {
  const command = opts.command || 'gemini';
  return createCliBackend({
    id: 'gemini',
    label: 'Gemini CLI',
    command,
    installHint: installHint(command),
    parse: parseGeminiLine,
    args: (req) => buildGeminiArgs(opts, req),
    stdin: geminiPrompt,
    // Without it gemini re-spawns itself as a second node process with a bigger heap.
    env: (req) => {
      const home = req.mcp ? geminiMcpHome(req.mcp, geminiUserHome(opts.home, req.env), req.cwd) : opts.home;
      return { GEMINI_CLI_NO_RELAUNCH: '1', ...(home ? { GEMINI_CLI_HOME: home } : {}) };
    },
    textSeparator: '',
    ...(opts.env ? { checkEnv: opts.env } : {}),
    ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
  });
};
