import { tmpdir } from 'node:os';
/**
 * Process plumbing shared by the JSONL backends (codex, gemini, opencode, goose): resolve and version-check
 * the binary, run it supervised, feed stdout lines through the backend's pure parser, and turn what was seen
 * into an AgentOutcome with one message grammar. It lives here only because this change could not add files
 * outside the backend folders; it belongs beside `process.ts`.
 */
import { AGENT_ENV_DEFAULTS } from '../env.js';
import { createTail } from '../lines.js';
import { spawnSupervised, type ProcessResult } from '../process.js';
import { resolveCommand } from '../resolve.js';
import { emptyUsage, type AgentBackend, type AgentEvent, type AgentHandle, type AgentOutcome, type AgentRunRequest, type Usage } from '../types.js';

export type ResultEvent = Extract<AgentEvent, { type: 'result' }>;

export interface CliRunState {
  sessionId?: string;
  result?: ResultEvent;
  /** Text since the last tool event: the agent's final answer. */
  finalText: string[];
  /** Sum of `usage` events, for CLIs that report usage per step. */
  usage?: Usage;
  errors: string[];
  costUsd?: number;
}

export interface CliBackendSpec {
  id: string;
  /** Product name for messages ("Codex"). */
  label: string;
  command: string;
  installHint: string;
  parse: (line: string) => AgentEvent[];
  args: (req: AgentRunRequest) => string[];
  /** Text for the child's stdin (closed right after); default none, stdin not connected. */
  stdin?: (req: AgentRunRequest) => string | undefined;
  /** Variables the backend needs to run headless; they win over the request's env. */
  env?: (req: AgentRunRequest) => Record<string, string>;
  /** Joins `finalText`: `''` when text arrives as deltas. Default `'\n'`. */
  textSeparator?: string;
  /** Extra reading of a raw stdout line (e.g. a per-step cost the event union has no field for). */
  observe?: (line: string, state: CliRunState) => void;
  /** For CLIs without a terminal event: the result implied by the exit. */
  resultOnExit?: (r: ProcessResult, state: CliRunState) => ResultEvent | undefined;
  /** Session id known before the run starts (goose: the name we chose). */
  presetSessionId?: (req: AgentRunRequest) => string | undefined;
  checkEnv?: NodeJS.ProcessEnv;
  graceMs?: number;
}

const TAIL_LINES = 20;
const VERSION_TIMEOUT_MS = 15_000;

const addUsage = (a: Usage | undefined, b: Usage): Usage => ({
  inputTokens: (a?.inputTokens ?? 0) + b.inputTokens,
  outputTokens: (a?.outputTokens ?? 0) + b.outputTokens,
  cacheReadTokens: (a?.cacheReadTokens ?? 0) + b.cacheReadTokens,
  cacheWriteTokens: (a?.cacheWriteTokens ?? 0) + b.cacheWriteTokens,
});

export const describeExit = (r: ProcessResult): string =>
  r.signal ? `was killed by ${r.signal}` : `failed with exit code ${String(r.exitCode)}`;

export const outcomeOf = (spec: CliBackendSpec, r: ProcessResult, s: CliRunState, tail: string[]): AgentOutcome => {
  const res = s.result ?? spec.resultOnExit?.(r, s);
  const costUsd = res?.costUsd ?? s.costUsd;
  const base = {
    ...(s.sessionId ? { sessionId: s.sessionId } : {}),
    usage: res?.usage ?? s.usage ?? emptyUsage(),
    ...(costUsd === undefined ? {} : { costUsd }),
    resultText: res?.text || s.finalText.join(spec.textSeparator ?? '\n'),
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    canceled: r.canceled,
  };
  const lastLines = tail.length > 0 ? `\nLast ${tail.length} lines of output:\n${tail.join('\n')}` : '';
  if (r.error) return { ...base, ok: false, error: `${r.error}. ${spec.installHint}` };
  if (r.canceled || r.timedOut) return { ...base, ok: false, error: `Command ${r.timedOut ? 'timed out' : 'was canceled'}: ${r.command}` };
  if (!res) return { ...base, ok: false, error: `Command ${describeExit(r)} without a result event: ${r.command}${lastLines}` };
  if (!res.ok) {
    const detail = res.text || res.errors?.join('; ') || s.errors.at(-1) || 'no message';
    return { ...base, ok: false, error: `${spec.label} reported an error (${res.subtype && res.subtype !== 'success' ? `${res.subtype}, ` : ''}exit code ${String(r.exitCode)}): ${detail}` };
  }
  if (r.exitCode !== 0) return { ...base, ok: false, error: `Command ${describeExit(r)} after a successful result: ${r.command}${lastLines}` };
  return { ...base, ok: true };
};

const check = async (spec: CliBackendSpec): Promise<Awaited<ReturnType<AgentBackend['check']>>> => {
  const env = spec.checkEnv ?? process.env;
  const { command } = spec;
  const resolved = await resolveCommand(command, env.PATH ?? '');
  if (!resolved) return { ok: false, error: `${spec.label} CLI not found: "${command}" is not an executable file${command.includes('/') ? '' : ' on PATH'}. ${spec.installHint}` };
  const out: string[] = [];
  const r = await spawnSupervised({
    command: resolved, args: ['--version'], cwd: tmpdir(), env: { PATH: env.PATH ?? '', HOME: env.HOME ?? '/', ...AGENT_ENV_DEFAULTS },
    timeoutMs: VERSION_TIMEOUT_MS, graceMs: 1000, onStdoutLine: (l) => out.push(l), onStderrLine: (l) => out.push(l),
  }).result;
  if (r.exitCode !== 0) {
    return { ok: false, error: `Command ${r.timedOut ? 'timed out' : describeExit(r)}: ${r.command}\n${out.slice(-TAIL_LINES).join('\n')}\n${spec.installHint}` };
  }
  const version = /\d+\.\d+\.\d+[\w.-]*/.exec(out.join(' '))?.[0];
  return { ok: true, command: resolved, ...(version ? { version } : {}) };
};

const track = (s: CliRunState, ev: AgentEvent): void => {
  switch (ev.type) {
    case 'session':
      s.sessionId = ev.sessionId;
      break;
    case 'result':
      s.result = ev;
      break;
    case 'text':
      s.finalText.push(ev.text);
      break;
    case 'tool_call':
    case 'tool_result':
      s.finalText = [];
      break;
    case 'usage':
      s.usage = addUsage(s.usage, ev.usage);
      break;
    case 'error':
      s.errors.push(ev.message);
      break;
    default:
      break;
  }
};

/** An AgentBackend from a spec: stdin is closed or fed and closed (every one of these CLIs reads a non-TTY stdin to EOF). */
export const createCliBackend = (spec: CliBackendSpec): AgentBackend => ({
  id: spec.id,
  check: () => check(spec),
  start(req: AgentRunRequest): AgentHandle {
    const { lines: tail, push: remember } = createTail(TAIL_LINES);
    const preset = spec.presetSessionId?.(req);
    const state: CliRunState = { finalText: [], errors: [], ...(preset ? { sessionId: preset } : {}) };
    if (preset) req.onEvent?.({ type: 'session', sessionId: preset });
    const stdin = spec.stdin?.(req);
    const plain = { command: spec.command, args: spec.args(req), env: { ...AGENT_ENV_DEFAULTS, ...req.env, ...spec.env?.(req) } };
    const launch = req.contain ? req.contain(plain) : plain;
    const proc = spawnSupervised({
      ...launch,
      ...(stdin === undefined ? {} : { stdin }),
      cwd: req.cwd,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(spec.graceMs === undefined ? {} : { graceMs: spec.graceMs }),
      onStdoutLine: (line, raw) => {
        remember(line);
        const hold = req.onLine?.('stdout', line, raw);
        spec.observe?.(line, state);
        for (const ev of spec.parse(line)) {
          track(state, ev);
          req.onEvent?.(ev);
        }
        return hold;
      },
      onStderrLine: (line, raw) => {
        remember(line);
        return req.onLine?.('stderr', line, raw);
      },
    });
    return { pid: proc.pid, pgid: proc.pgid, result: proc.result.then((r) => outcomeOf(spec, r, state, tail)) };
  },
});
