/**
 * Step selection shared by the wire formats other than Anthropic's (Gemini, OpenAI Chat): each format turns its
 * request into an Anthropic-shaped body (tool names and inputs mapped back to Claude's), so the scenarios,
 * `[[scenario:NAME]]` markers and `epicScenario` work unchanged; this module picks the step and applies
 * `{{cwd}}`, usage estimates and scripted HTTP failures. The rendering stays in each format's file.
 */
import type { IncomingMessage } from 'node:http';
import { analyzeConversation, estimateTokens } from './conversation.js';
import { epicScenario } from './epic.js';
import { readPromptDirectives } from './prompt.js';
import type { ConversationContext, HttpErrorSpec, MessagesRequestBody, ModelServerOptions, Scenario, Step, ToolCall } from './types.js';

const EXHAUSTED: Step = { text: 'Done. (simulated model: the script has no more steps)' };
export const DEFAULT_SIDE_REPLY = 'Simulated model reply.';
const MAX_BODY = 64 * 1024 * 1024;

/** A step ready to render: tools with `{{cwd}}` applied and token counts filled in. */
export interface PlannedTurn {
  text?: string;
  tools: ToolCall[];
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  step: Step;
}

export type Play =
  | { kind: 'turn'; scenario: string; turn: number; planned: PlannedTurn }
  | { kind: 'http_error'; scenario: string; turn: number; error: HttpErrorSpec };

const substituteCwd = (value: unknown, cwd: string | undefined): unknown => {
  if (typeof value === 'string') return cwd ? value.replaceAll('{{cwd}}', cwd.replace(/\/$/, '')) : value.replaceAll('{{cwd}}/', '');
  if (Array.isArray(value)) return value.map((v) => substituteCwd(v, cwd));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteCwd(v, cwd)]));
  return value;
};

/** Token counts and tools of a step; `requestChars` is the size of whatever the format counts as input. */
export const planTurn = (step: Step, requestChars: number, cwd: string | undefined): PlannedTurn => {
  const tools = (step.tools ?? []).map((t) => ({ name: t.name, input: substituteCwd(t.input, cwd) as Record<string, unknown> }));
  const outChars = (step.text ?? '').length + tools.reduce((n, t) => n + JSON.stringify(t.input).length + t.name.length, 0);
  return {
    ...(step.text ? { text: step.text } : {}),
    tools,
    inputTokens: step.usage?.inputTokens ?? estimateTokens(requestChars),
    outputTokens: step.usage?.outputTokens ?? estimateTokens(outChars),
    cacheReadTokens: step.usage?.cacheReadTokens ?? 0,
    step,
  };
};

/** Which script answers a conversation: a `[[scenario:NAME]]` marker, then `opts.scenario`, then the epic script. */
export const chooseScenario = (opts: ModelServerOptions, ctx: ConversationContext): { name: string; scenario: Scenario } => {
  const marker = readPromptDirectives(ctx.promptText).scenarioName ?? readPromptDirectives(ctx.firstUserText).scenarioName;
  const named = marker ? opts.scenarios?.[marker] : undefined;
  if (marker && named) return { name: marker, scenario: named };
  if (typeof opts.scenario === 'function') {
    const picked = opts.scenario(ctx);
    if (picked) return { name: 'custom', scenario: picked };
  } else if (opts.scenario) {
    return { name: 'fixed', scenario: opts.scenario };
  }
  return { name: 'epic', scenario: epicScenario(ctx) };
};

/** A stateful picker (it counts scripted failures per conversation) over the server options. */
export const createStepPlayer = (opts: ModelServerOptions) => {
  const failures = new Map<string, number>();
  const pickScenario = (ctx: ConversationContext) => chooseScenario(opts, ctx);
  return (body: MessagesRequestBody, requestChars: number): Play => {
    const ctx = analyzeConversation(body);
    const { name, scenario } = pickScenario(ctx);
    const source = scenario[ctx.turn];
    const step: Step = source === undefined ? EXHAUSTED : typeof source === 'function' ? source(ctx) : source;
    const e = step.httpError;
    if (e) {
      const key = `${name}\0${ctx.firstUserText}\0${ctx.promptIndex}\0${ctx.turn}`;
      const seen = failures.get(key) ?? 0;
      if (e.times === undefined || seen < e.times) {
        failures.set(key, seen + 1);
        return { kind: 'http_error', scenario: name, turn: ctx.turn, error: e };
      }
    }
    return { kind: 'turn', scenario: name, turn: ctx.turn, planned: planTurn(step, requestChars, ctx.cwd) };
  };
};

export const readBody = async (req: IncomingMessage): Promise<string> => {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    parts.push(buf);
  }
  return Buffer.concat(parts).toString('utf8');
};

export const parseJsonBody = (raw: string): unknown => {
  if (raw === '') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
};

export const headerSubset = (req: IncomingMessage, kept: readonly string[], secret: readonly string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of kept) {
    const v = req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  for (const name of secret) if (req.headers[name]) out[name] = '<present>';
  return out;
};

/** The tool-name map of one wire format: Claude's name and input on one side, the CLI's on the other. */
export interface ToolMapping {
  name: string;
  /** Claude input key -> this CLI's input key; unlisted keys pass through. */
  keys: Record<string, string>;
}

const renameKeys = (input: Record<string, unknown>, keys: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(input).map(([k, v]) => [keys[k] ?? k, v]));

/** Maps tool calls between Claude's names (used by scenarios) and one CLI's names; unknown tools pass through. */
export const toolMapper = (table: Record<string, ToolMapping>) => {
  const reverse = new Map(Object.entries(table).map(([claude, m]) => [m.name, { name: claude, keys: Object.fromEntries(Object.entries(m.keys).map(([a, b]) => [b, a])) }]));
  return {
    toWire: (t: ToolCall): ToolCall => {
      const m = table[t.name];
      return m ? { name: m.name, input: renameKeys(t.input, m.keys) } : t;
    },
    fromWire: (name: string, input: Record<string, unknown>): ToolCall => {
      const m = reverse.get(name);
      return m ? { name: m.name, input: renameKeys(input, m.keys) } : { name, input };
    },
  };
};

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
