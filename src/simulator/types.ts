/** Shapes of the simulated model server: scripted turns, not a real LLM. */

export interface ToolCall {
  /** Tool name as Claude offers it: 'Write', 'Bash', 'Edit', 'Read', ... */
  name: string;
  /** Tool input. String values may contain `{{cwd}}`, replaced by the agent's working directory. */
  input: Record<string, unknown>;
}

export interface StepUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export interface HttpErrorSpec {
  status: number;
  /** Raw response body; default: an Anthropic error JSON built from `type` and `message`. */
  body?: string;
  /** Anthropic error type; default derived from the status (429 rate_limit_error, 529 overloaded_error, ...). */
  type?: string;
  message?: string;
  /** Seconds, sent as `retry-after`. */
  retryAfter?: number;
  /**
   * Fail only the first `times` requests that reach this step (counted per conversation), then answer
   * with the rest of the step. Without it the step fails every time.
   */
  times?: number;
}

/** One model turn. The last step of a scenario ends the turn (`end_turn`); a step with tools ends with `tool_use`. */
export interface Step {
  text?: string;
  tools?: ToolCall[];
  /** Overrides the computed token counts. */
  usage?: StepUsage;
  /** Answer with an HTTP error instead of (or, with `times`, before) this turn. */
  httpError?: HttpErrorSpec;
  /** Sends message_start, then an SSE `error` event, then closes the stream. */
  streamError?: { type?: string; message?: string };
  /** Wait before answering. */
  delayMs?: number;
  /** Wait between SSE frames, so a watcher sees text arrive. */
  frameDelayMs?: number;
  /** Force the stop reason (e.g. 'max_tokens'); default tool_use when tools are present, else end_turn. */
  stopReason?: string;
}

/** What a scenario function sees about the conversation. */
export interface ConversationContext {
  /** Text of the current prompt: the last user message that is not a tool result, system reminders removed. */
  promptText: string;
  /** Text of the first user message of the conversation, system reminders removed. */
  firstUserText: string;
  /** Working directory announced in the system prompt, when found. */
  cwd?: string;
  /** Assistant turns already taken since the current prompt: the index of the step to play. */
  turn: number;
  /** 0 for the first prompt of the conversation, 1 for the first follow-up (a resume), ... */
  promptIndex: number;
  /** Tool calls of the previous assistant turn, in order (ids as the server issued them). */
  lastToolCalls: Array<{ id: string; name: string; input: Record<string, unknown> }>;
  /** Tool results of the previous turn, in order. */
  lastToolResults: Array<{ toolUseId: string; isError: boolean; content: string }>;
  /** The parsed request body. */
  body: MessagesRequestBody;
}

export type StepSource = Step | ((ctx: ConversationContext) => Step);

/** A script of model turns: step N answers the N-th assistant turn after the prompt. */
export type Scenario = readonly StepSource[];

export type ScenarioPicker = (ctx: ConversationContext) => Scenario | undefined;

export interface MessagesRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
  system?: unknown;
  tools?: Array<{ name?: string }>;
  stream?: boolean;
  max_tokens?: number;
  [key: string]: unknown;
}

export type RequestKind = 'main' | 'side' | 'count_tokens' | 'probe' | 'unknown';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** A subset: x-api-key presence, authorization presence, anthropic-*, x-claude-code-session-id, user-agent. */
  headers: Record<string, string>;
  body: unknown;
  kind: RequestKind;
  /** For main requests: the scenario name (marker or 'custom'/'epic') and the step index played. */
  scenario?: string;
  step?: number;
  status: number;
  at: number;
}

export interface ModelServerOptions {
  /** A fixed scenario, or a function choosing one per conversation. Default: `epicScenario`. */
  scenario?: Scenario | ScenarioPicker;
  /** Named scenarios selected by a `[[scenario:NAME]]` marker in the prompt. */
  scenarios?: Record<string, Scenario>;
  port?: number;
  host?: string;
  /** Keep at most this many recorded requests, dropping the oldest (bodies carry the whole history). Default 1000. */
  maxRecorded?: number;
  /** Reply text for side requests (no tools offered); default a short fixed sentence. */
  sideReply?: string;
}

export interface ModelServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}
