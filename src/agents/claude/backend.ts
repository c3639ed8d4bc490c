import { tmpdir } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_ENV_DEFAULTS } from '../env.js';
import { createTail } from '../lines.js';
import { spawnSupervised, type ProcessResult } from '../process.js';
import { resolveCommand } from '../resolve.js';
import { emptyUsage, type AgentBackend, type AgentEvent, type AgentHandle, type AgentOutcome, type AgentRunRequest } from '../types.js';
import { parseClaudeLine } from './parse.js';

export interface ClaudeBackendOptions {
  /** Executable name looked up on PATH, or a path. Default (also for "") `claude`. */
  command?: string;
  /** Appended after every other argument. */
  extraArgs?: string[];
  /** Default `acceptEdits` (bypassPermissions is refused as root). */
  permissionMode?: string;
  allowedTools?: string[];
  /** Added to the built-in deny-list (config `agent.disallowed_tools` has the same meaning). */
  disallowedTools?: string[];
  /** Replaces the built-in deny-list `DEFAULT_DISALLOWED_TOOLS`; `[]` denies only `disallowedTools`. */
  baseDisallowedTools?: string[];
  /** 0 or undefined: no limit. */
  maxTurns?: number;
  /** Environment used by `check()` to find the command. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL on cancel. Default 3000. */
  graceMs?: number;
}

/** The config key naming another binary, quoted in install hints. */
export const CLAUDE_COMMAND_CONFIG_KEY = 'agent.command';

export { DEFAULT_ALLOWED_TOOLS } from './tools.js';
import { DEFAULT_ALLOWED_TOOLS } from './tools.js';

/** The orchestrator owns branches, worktrees and what reaches the remote; agents only edit and commit. */
export const DEFAULT_DISALLOWED_TOOLS = [
  'Bash(git push:*)', 'Bash(git reset --hard:*)', 'Bash(git rebase:*)', 'Bash(git switch:*)', 'Bash(git checkout -b:*)',
  'Bash(git worktree:*)', 'Bash(git stash:*)', 'Bash(git clean:*)', 'Bash(git branch -D:*)', 'Bash(git branch -d:*)',
  'Bash(git filter-branch:*)', 'Bash(git update-ref:*)', 'EnterWorktree', 'ExitWorktree',
];

const TAIL_LINES = 20;
const VERSION_TIMEOUT_MS = 15_000;

/**
 * argv for one run. The prompt is not in it: it goes on stdin (`claude -p` reads it there when no prompt argument
 * is given), so a 128 KB+ epic does not fail with E2BIG and no prompt text is ever parsed as an option.
 * Values are passed as `--flag=value`, so a plan value starting with "-" cannot become an option of its own.
 */
export const buildClaudeArgs = (opts: ClaudeBackendOptions, req: Pick<AgentRunRequest, 'resumeSessionId' | 'model' | 'systemPrompt' | 'mcp'>): string[] => {
  const args = ['-p', '--output-format=stream-json', '--verbose', `--permission-mode=${opts.permissionMode ?? 'acceptEdits'}`];
  const allowed = [...(opts.allowedTools ?? DEFAULT_ALLOWED_TOOLS), ...(req.mcp?.tools ?? [])];
  if (allowed.length > 0) args.push('--allowedTools', ...allowed);
  const denied = [...new Set([...(opts.baseDisallowedTools ?? DEFAULT_DISALLOWED_TOOLS), ...(opts.disallowedTools ?? [])])];
  if (denied.length > 0) args.push('--disallowedTools', ...denied);
  if (req.resumeSessionId) args.push(`--resume=${req.resumeSessionId}`);
  if (req.model) args.push(`--model=${req.model}`);
  if (req.systemPrompt) args.push(`--append-system-prompt=${req.systemPrompt}`);
  if (req.mcp) {
    // The server env carries the daemon token: it goes into a 0600 file, not onto the command line (/proc/*/cmdline).
    const server = { type: 'stdio', command: req.mcp.command, args: req.mcp.args, env: req.mcp.env, timeout: 900_000 };
    mkdirSync(req.mcp.configDir, { recursive: true, mode: 0o700 });
    const file = join(req.mcp.configDir, 'claude-mcp.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { orch: server } }), { mode: 0o600 });
    args.push(`--mcp-config=${file}`, '--strict-mcp-config');
  }
  if (opts.maxTurns !== undefined && opts.maxTurns > 0) args.push(`--max-turns=${opts.maxTurns}`);
  return [...args, ...(opts.extraArgs ?? [])];
};

const installHint = (command: string): string =>
  `Install Claude Code with \`npm i -g @anthropic-ai/claude-code\`, or set ${CLAUDE_COMMAND_CONFIG_KEY} in the config to the path of the binary (now "${command}").`;

const describeExit = (r: ProcessResult): string =>
  r.signal ? `was killed by ${r.signal}` : `failed with exit code ${String(r.exitCode)}`;

const outcomeOf = (r: ProcessResult, events: { sessionId?: string; result?: Extract<AgentEvent, { type: 'result' }> }, tail: string[], command: string): AgentOutcome => {
  const res = events.result;
  const base = {
    ...(events.sessionId ? { sessionId: events.sessionId } : {}),
    usage: res?.usage ?? emptyUsage(),
    ...(res?.costUsd === undefined ? {} : { costUsd: res.costUsd }),
    resultText: res?.text ?? '',
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    canceled: r.canceled,
  };
  const lastLines = tail.length > 0 ? `\nLast ${tail.length} lines of output:\n${tail.join('\n')}` : '';
  if (r.error) return { ...base, ok: false, error: `${r.error}. ${installHint(command)}` };
  if (r.canceled || r.timedOut) return { ...base, ok: false, error: `Command ${r.timedOut ? 'timed out' : 'was canceled'}: ${r.command}` };
  if (!res) return { ...base, ok: false, error: `Command ${describeExit(r)} without a result event: ${r.command}${lastLines}` };
  if (!res.ok) {
    const detail = res.text || res.errors?.join('; ') || 'no message';
    return { ...base, ok: false, error: `Claude Code reported an error (${res.subtype && res.subtype !== 'success' ? `${res.subtype}, ` : ''}exit code ${String(r.exitCode)}): ${detail}` };
  }
  if (r.exitCode !== 0) return { ...base, ok: false, error: `Command ${describeExit(r)} after a successful result: ${r.command}${lastLines}` };
  return { ...base, ok: true };
};

export const createClaudeBackend = (opts: ClaudeBackendOptions = {}): AgentBackend => {
  const command = opts.command || 'claude';
  return {
    id: 'claude',

    async check() {
      const env = opts.env ?? process.env;
      const resolved = await resolveCommand(command, env.PATH ?? '');
      if (!resolved) return { ok: false, error: `Claude Code CLI not found: "${command}" is not an executable file${command.includes('/') ? '' : ' on PATH'}. ${installHint(command)}` };
      const out: string[] = [];
      const r = await spawnSupervised({
        command: resolved, args: ['--version'], cwd: tmpdir(), env: { PATH: env.PATH ?? '', HOME: env.HOME ?? '/', ...AGENT_ENV_DEFAULTS },
        timeoutMs: VERSION_TIMEOUT_MS, graceMs: 1000, onStdoutLine: (l) => out.push(l), onStderrLine: (l) => out.push(l),
      }).result;
      if (r.exitCode !== 0) {
        return { ok: false, error: `Command ${r.timedOut ? 'timed out' : describeExit(r)}: ${r.command}\n${out.slice(-TAIL_LINES).join('\n')}\n${installHint(command)}` };
      }
      const version = /\d+\.\d+\.\d+[\w.-]*/.exec(out.join(' '))?.[0];
      return { ok: true, command: resolved, ...(version ? { version } : {}) };
    },

    start(req: AgentRunRequest): AgentHandle {
      const { lines: tail, push: remember } = createTail(TAIL_LINES);
      const seen: { sessionId?: string; result?: Extract<AgentEvent, { type: 'result' }> } = {};
      // Claude Code connects MCP servers in the background and may send its first request before Orch's tools are
      // there ("MCP server 'orch' is still connecting"): the agent would then work without orch_done/orch_ask.
      // MCP_CONNECTION_NONBLOCKING=false makes it wait for them first.
      const mcpWait: Record<string, string> = req.mcp ? { MCP_CONNECTION_NONBLOCKING: 'false' } : {};
      const plain = { command, args: buildClaudeArgs(opts, req), env: { ...AGENT_ENV_DEFAULTS, ...req.env, ...mcpWait } };
      const launch = req.contain ? req.contain(plain) : plain;
      const proc = spawnSupervised({
        ...launch,
        stdin: req.prompt,
        cwd: req.cwd,
        ...(req.signal ? { signal: req.signal } : {}),
        ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
        onStdoutLine: (line, raw) => {
          remember(line);
          const hold = req.onLine?.('stdout', line, raw);
          for (const ev of parseClaudeLine(line)) {
            if (ev.type === 'session') seen.sessionId = ev.sessionId;
            if (ev.type === 'result') seen.result = ev;
            req.onEvent?.(ev);
          }
          return hold;
        },
        onStderrLine: (line, raw) => {
          remember(line);
          return req.onLine?.('stderr', line, raw);
        },
      });
      return { pid: proc.pid, pgid: proc.pgid, result: proc.result.then((r) => outcomeOf(r, seen, tail, command)) };
    },
  };
};
