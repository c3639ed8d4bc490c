import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ProjectCommands } from './commands.js';

/** What the MCP server process reads from its environment; the daemon sets these when it spawns an agent. */
export interface McpServerEnv {
  daemonUrl: string;
  token: string;
  runId: string;
  cwd: string;
  commands: ProjectCommands;
  /** How long orch_ask waits for an answer; unset = the server default. */
  answerWaitMs?: number;
  /** The daemon has a worker pool: ask it first where build, test and lint run; offer worker_status and job_logs. */
  cluster?: boolean;
}

export const MCP_ENV_NAMES = {
  daemonUrl: 'ORCH_DAEMON_URL',
  token: 'ORCH_DAEMON_TOKEN',
  runId: 'ORCH_RUN_ID',
  commands: 'ORCH_COMMANDS',
  cwd: 'ORCH_CWD',
  answerWaitMs: 'ORCH_ANSWER_WAIT_MS',
  cluster: 'ORCH_CLUSTER',
} as const;

const Argv = z.array(z.string().min(1)).optional();
const Commands = z.strictObject({ build: Argv, test: Argv, lint: Argv });

/** The environment for the MCP server child: the inverse of `readMcpServerEnv`. */
export const mcpServerEnv = (v: Omit<McpServerEnv, 'cwd'> & { cwd?: string }): Record<string, string> => ({
  [MCP_ENV_NAMES.daemonUrl]: v.daemonUrl,
  [MCP_ENV_NAMES.token]: v.token,
  [MCP_ENV_NAMES.runId]: v.runId,
  [MCP_ENV_NAMES.commands]: JSON.stringify(v.commands),
  ...(v.cwd === undefined ? {} : { [MCP_ENV_NAMES.cwd]: v.cwd }),
  ...(v.answerWaitMs === undefined ? {} : { [MCP_ENV_NAMES.answerWaitMs]: String(v.answerWaitMs) }),
  ...(v.cluster ? { [MCP_ENV_NAMES.cluster]: '1' } : {}),
});

/** Reads and checks the server's environment; `cwd` falls back to `fallbackCwd` (the directory the agent CLI started it in). */
export const readMcpServerEnv = (
  env: NodeJS.ProcessEnv,
  fallbackCwd: string,
): { ok: true; value: McpServerEnv } | { ok: false; error: string } => {
  const missing = [MCP_ENV_NAMES.daemonUrl, MCP_ENV_NAMES.token, MCP_ENV_NAMES.runId].filter((n) => !env[n]);
  if (missing.length > 0) {
    return { ok: false, error: `Missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: the Orch daemon sets them when it starts an agent.` };
  }
  let commands: ProjectCommands = {};
  const raw = env[MCP_ENV_NAMES.commands];
  if (raw) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      return { ok: false, error: `${MCP_ENV_NAMES.commands} is not JSON (${(e as Error).message}); expected {"build"?: string[], "test"?: string[], "lint"?: string[]}, received ${raw}` };
    }
    const parsed = Commands.safeParse(json);
    if (!parsed.success) {
      return { ok: false, error: `${MCP_ENV_NAMES.commands} is invalid (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}); expected {"build"?: string[], "test"?: string[], "lint"?: string[]}` };
    }
    commands = parsed.data;
  }
  const wait = env[MCP_ENV_NAMES.answerWaitMs];
  if (wait !== undefined && wait !== '' && !/^\d+$/.test(wait)) {
    return { ok: false, error: `${MCP_ENV_NAMES.answerWaitMs} must be a whole number of milliseconds, received ${JSON.stringify(wait)}` };
  }
  return {
    ok: true,
    value: {
      daemonUrl: env[MCP_ENV_NAMES.daemonUrl] ?? '',
      token: env[MCP_ENV_NAMES.token] ?? '',
      runId: env[MCP_ENV_NAMES.runId] ?? '',
      cwd: env[MCP_ENV_NAMES.cwd] || fallbackCwd,
      commands,
      ...(wait ? { answerWaitMs: Number(wait) } : {}),
      ...(env[MCP_ENV_NAMES.cluster] === '1' ? { cluster: true } : {}),
    },
  };
};

export const ENV_FILE_FLAG = '--env-file';

/** `--env-file <file>` in the server's argv: the variables in that JSON file (string values); none without the flag. */
export const readEnvFileArg = (argv: readonly string[]): { ok: true; value: Record<string, string> } | { ok: false; error: string } => {
  const i = argv.indexOf(ENV_FILE_FLAG);
  if (i === -1) return { ok: true, value: {} };
  const file = argv[i + 1];
  if (!file) return { ok: false, error: `${ENV_FILE_FLAG} needs a file path after it` };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { ok: false, error: `${ENV_FILE_FLAG} ${file}: cannot read it as JSON (${(e as Error).message}); the daemon writes it when it starts the agent` };
  }
  const parsed = z.record(z.string(), z.string()).safeParse(json);
  if (!parsed.success) return { ok: false, error: `${ENV_FILE_FLAG} ${file}: expected an object of string values, received ${JSON.stringify(json).slice(0, 200)}` };
  return { ok: true, value: parsed.data };
};
