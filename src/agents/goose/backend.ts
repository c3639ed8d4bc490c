import { createCliBackend } from '../codex/runner.js';
import { ORCH_MCP_NAME, stdioLaunch } from '../mcp.js';
import type { AgentBackend, AgentRunRequest } from '../types.js';
import { parseGooseLine } from './parse.js';

export interface GooseBackendOptions {
  /** Executable name looked up on PATH, or a path. Default (also for "") `goose`. */
  command?: string;
  /** Appended after every other argument: `--with-builtin developer`, `--max-turns 50`, `--provider x`, ... */
  extraArgs?: string[];
  /** Environment used by `check()` to find the command. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL on cancel. Default 3000. */
  graceMs?: number;
}

export const GOOSE_COMMAND_CONFIG_KEY = 'agent.command';

const installHint = (command: string): string =>
  `Install Goose (https://block.github.io/goose/docs/getting-started/installation), or set ${GOOSE_COMMAND_CONFIG_KEY} in the config to the path of the binary (now "${command}").`;

/** Goose never prints its session id, so the run names the session and that name is the id to resume. */
export const gooseSessionName = (req: Pick<AgentRunRequest, 'runId' | 'resumeSessionId'>): string => req.resumeSessionId || `orch-${req.runId}`;

const quoteWord = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : `"${w.replace(/(["\\$`])/g, '\\$1')}"`);

/**
 * `--with-extension` for Orch's MCP server, in goose's documented `[name:]ENV=val command args...` form (goose
 * was not run here: AGENT-CLIS.md 3). Without the `orch:` prefix goose names an extension after its command's
 * basename (`node`). Words with spaces are double-quoted for goose's shell-style split. No `ENV=` words: they
 * would put the daemon token on the command line; the server reads it from a 0600 file (see ../mcp.ts).
 */
export const gooseMcpArgs = (launch: { command: string; args: string[] }): string[] =>
  [`--with-extension=${ORCH_MCP_NAME}:${[launch.command, ...launch.args].map(quoteWord).join(' ')}`];

/**
 * argv for one run. The prompt goes on stdin (`-i -`, goose's documented "instructions from stdin"): plan text
 * never reaches argv (no option injection, no E2BIG). Values go as `--flag=value`, so a model named `--version`
 * stays a model name. The system prompt goes through `--system`, which goose adds to its own.
 */
export const buildGooseArgs = (opts: GooseBackendOptions, req: Pick<AgentRunRequest, 'resumeSessionId' | 'model' | 'systemPrompt' | 'runId'> & Partial<Pick<AgentRunRequest, 'mcp' | 'cwd' | 'prompt'>>): string[] => {
  const args = ['run'];
  if (req.resumeSessionId) args.push('--resume');
  args.push(`--name=${gooseSessionName(req)}`, '--instructions=-', '--output-format=stream-json');
  if (req.model) args.push(`--model=${req.model}`);
  if (req.systemPrompt) args.push(`--system=${req.systemPrompt}`);
  if (req.mcp) args.push(...gooseMcpArgs(stdioLaunch(req.mcp, 'goose', req.cwd)));
  return [...args, ...(opts.extraArgs ?? [])];
};

export const createGooseBackend = (opts: GooseBackendOptions = {}): AgentBackend => {
  const command = opts.command || 'goose';
  return createCliBackend({
    id: 'goose',
    label: 'Goose',
    command,
    installHint: installHint(command),
    parse: parseGooseLine,
    args: (req) => buildGooseArgs(opts, req),
    stdin: (req) => req.prompt,
    // Any other mode makes a headless run fail with "Tool approval required in non-interactive mode".
    env: () => ({ GOOSE_MODE: 'auto' }),
    presetSessionId: gooseSessionName,
    ...(opts.env ? { checkEnv: opts.env } : {}),
    ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
  });
};
