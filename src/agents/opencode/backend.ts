import { createCliBackend } from '../codex/runner.js';
import { openCodeBashPermission, shellDenyPrefixes } from '../deny.js';
import { ORCH_MCP_NAME, stdioLaunch } from '../mcp.js';
import type { AgentBackend, AgentRunRequest } from '../types.js';
import { openCodeStepCost, parseOpenCodeLine } from './parse.js';

export interface OpenCodeBackendOptions {
  /** Executable name looked up on PATH, or a path. Default (also for "") `opencode`. */
  command?: string;
  /** After every other argument: `--agent`, `--variant`, ... */
  extraArgs?: string[];
  /** Environment used by `check()` to find the command. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL on cancel. Default 3000. */
  graceMs?: number;
  /**
   * `OPENCODE_CONFIG_CONTENT`: config merged over the user's and the project's `opencode.json`, e.g. a custom
   * provider `{ provider: { fake: { npm: '@ai-sdk/openai-compatible', options: { baseURL, apiKey }, models: { m: {} } } } }`
   * used with model `fake/m` (AGENT-CLIS.md 7.5).
   */
  config?: Record<string, unknown>;
  /** Orch's deny-list, Claude-style (`Bash(git push:*)`); default DEFAULT_DISALLOWED_TOOLS. Its shell prefixes are denied in `permission.bash`. */
  disallowedTools?: string[];
  /**
   * `OPENCODE_DISABLE_MODELS_FETCH=1`: skip the models.dev catalogue download (offline runs, custom providers).
   * Default false: the catalogue carries the prices that make `costUsd`.
   */
  disableModelsFetch?: boolean;
}

export const OPENCODE_COMMAND_CONFIG_KEY = 'agent.command';

const installHint = (command: string): string =>
  `Install OpenCode with \`npm i -g opencode-ai\`, or set ${OPENCODE_COMMAND_CONFIG_KEY} in the config to the path of the binary (now "${command}").`;

/**
 * argv for one run; the prompt goes on stdin (`openCodePrompt`), which `run` reads to EOF and uses as the
 * message. As arguments it broke: `run` wraps any argument containing a space in literal quotes, words that look
 * like flags are parsed as flags, and yargs turns numeric words into numbers, on which `run` then crashes with
 * "G.includes is not a function" (AGENT-CLIS.md 7.8; seen with a plan's prompt). `--dir` always: `--session`
 * run from anywhere else hangs after the turn. Values go as `--flag=value`, so a model named `--version` stays a
 * model name.
 */
export const buildOpenCodeArgs = (opts: OpenCodeBackendOptions, req: Pick<AgentRunRequest, 'resumeSessionId' | 'model' | 'cwd'>): string[] => {
  const args = ['run', '--format=json'];
  if (req.model) args.push(`--model=${req.model}`);
  args.push('--auto');
  if (req.resumeSessionId) args.push(`--session=${req.resumeSessionId}`);
  return [...args, `--dir=${req.cwd}`, ...(opts.extraArgs ?? [])];
};

/** The message for stdin: the system prompt (OpenCode has no flag for one in `run`) before the prompt. */
export const openCodePrompt = (req: Pick<AgentRunRequest, 'prompt' | 'systemPrompt'>): string =>
  req.systemPrompt ? `${req.systemPrompt}\n\n${req.prompt}` : req.prompt;

const parseObject = (text: string | undefined): Record<string, unknown> | undefined => {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * `OPENCODE_CONFIG_CONTENT` for a run: `opts.config`, else the content the child would inherit, plus Orch's
 * deny-list in `permission.bash` and Orch's MCP server as a local server (its tools reach the model as
 * `orch_orch_ask`, ...). This variable is merged over the user's and the project's files, so theirs stay as they
 * are; it carries no secret (the server reads its token from a 0600 file, see ../mcp.ts) even though the
 * agent's shell tool inherits it.
 */
export const openCodeConfigContent = (opts: OpenCodeBackendOptions, req: Pick<AgentRunRequest, 'mcp' | 'env' | 'cwd'>): string => {
  const base = opts.config ?? parseObject(req.env.OPENCODE_CONFIG_CONTENT) ?? {};
  const permission = typeof base.permission === 'object' && base.permission !== null ? (base.permission as Record<string, unknown>) : {};
  const config: Record<string, unknown> = {
    ...base,
    permission: { ...permission, bash: openCodeBashPermission(permission.bash, shellDenyPrefixes(opts.disallowedTools)) },
  };
  if (!req.mcp) return JSON.stringify(config);
  const launch = stdioLaunch(req.mcp, 'opencode', req.cwd);
  const mcp = typeof base.mcp === 'object' && base.mcp !== null ? (base.mcp as Record<string, unknown>) : {};
  const server = { type: 'local', command: [launch.command, ...launch.args], enabled: true, timeout: 30_000 };
  return JSON.stringify({ ...config, mcp: { ...mcp, [ORCH_MCP_NAME]: server } });
};

export const createOpenCodeBackend = (opts: OpenCodeBackendOptions = {}): AgentBackend => {
  const command = opts.command || 'opencode';
  return createCliBackend({
    id: 'opencode',
    label: 'OpenCode',
    command,
    installHint: installHint(command),
    parse: parseOpenCodeLine,
    args: (req) => buildOpenCodeArgs(opts, req),
    stdin: openCodePrompt,
    env: (req) => {
      return {
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        OPENCODE_CONFIG_CONTENT: openCodeConfigContent(opts, req),
        ...(opts.disableModelsFetch ? { OPENCODE_DISABLE_MODELS_FETCH: '1' } : {}),
      };
    },
    observe: (line, state) => {
      const cost = openCodeStepCost(line);
      if (cost !== undefined) state.costUsd = (state.costUsd ?? 0) + cost;
    },
    // 1.18.33 prints no terminal event: a clean exit with no error event is success (error events exit 1).
    resultOnExit: (r, state) => {
      if (r.exitCode === null || r.error) return undefined;
      if (r.exitCode === 0 && state.errors.length === 0) return { type: 'result', ok: true, text: '', subtype: 'exit' };
      const last = state.errors.at(-1);
      return last ? { type: 'result', ok: false, text: last, subtype: 'error', errors: state.errors } : undefined;
    },
    ...(opts.env ? { checkEnv: opts.env } : {}),
    ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
  });
};
