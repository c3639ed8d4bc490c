/** Typed events every backend's output parser produces (one JSON line in, zero or more events out). */
export type AgentEvent =
  | { type: 'session'; sessionId: string; model?: string; version?: string }
  | { type: 'text'; text: string }
  | { type: 'tool_call'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; id: string; isError: boolean; output: string }
  /** Usage so far; `key` names the API message it belongs to when the CLI repeats it per line (latest wins). */
  | { type: 'usage'; usage: Usage; key?: string }
  | { type: 'retry'; attempt: number; max?: number; delayMs?: number; status?: number; message: string }
  | { type: 'result'; ok: boolean; text: string; usage?: Usage; costUsd?: number; numTurns?: number; subtype?: string; errors?: string[] }
  | { type: 'error'; message: string }
  /** A line the parser could not understand; kept for the log, never fatal. */
  | { type: 'unparsed'; line: string; reason: string };

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface AgentRunRequest {
  runId: string;
  /** Absolute path of the worktree; the agent's cwd. */
  cwd: string;
  prompt: string;
  /** Resume this session instead of starting a new one. */
  resumeSessionId?: string;
  model?: string;
  systemPrompt?: string;
  /**
   * Orch's MCP server for this run (signals, questions, build/test/lint tools): the stdio command and its
   * environment. Each backend passes it in its own CLI's format; one that cannot ignores it.
   */
  mcp?: { command: string; args: string[]; env: Record<string, string>; tools: string[]; /** A private (0700) dir for config files that carry the token: never put it on a command line. */ configDir: string };
  /** Environment for the child, already sanitised by the caller. */
  env: Record<string, string>;
  /**
   * OS containment (a bubblewrap sandbox): turns the backend's final launch into the contained one. Every
   * backend passes its command, argv and environment through it when it is set.
   */
  contain?: Contain;
  /**
   * Raw stdout/stderr lines, for the run log: decoded, and as the agent's bytes (`raw`, no newline) when the backend
   * has them. Backpressure: return a promise (e.g. the log's 'drain') and reading that stream of the agent pauses
   * until it settles; the agent then blocks on a full pipe instead of the daemon buffering its output.
   */
  onLine?: (stream: 'stdout' | 'stderr', line: string, raw?: readonly Buffer[]) => unknown;
  onEvent?: (event: AgentEvent) => void;
  signal?: AbortSignal;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export type Contain = (launch: Launch) => Launch;

export interface AgentOutcome {
  ok: boolean;
  sessionId?: string;
  usage: Usage;
  costUsd?: number;
  resultText: string;
  /** Why it failed, with the last lines of output when there was no result. */
  error?: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  canceled: boolean;
}

export interface AgentHandle {
  pid: number;
  /** Process group id (== pid: agents are group leaders). */
  pgid: number;
  result: Promise<AgentOutcome>;
}

export interface AgentBackend {
  readonly id: string;
  /** Resolves the executable; returns an install hint when missing. */
  check(): Promise<{ ok: true; command: string; version?: string } | { ok: false; error: string }>;
  start(req: AgentRunRequest): AgentHandle;
}

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
