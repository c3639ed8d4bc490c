import type { ConversationContext, MessagesRequestBody } from './types.js';

const REMINDER = /<system-reminder>[\s\S]*?<\/system-reminder>/g;
const CWD_LINE = /(?:Primary working directory|Working directory|cwd)\s*:\s*(\/[^\s`'"]*)/i;

type Message = { role: string; content: unknown };

interface Block {
  type?: unknown;
  id?: unknown;
  name?: unknown;
  input?: unknown;
  text?: unknown;
  tool_use_id?: unknown;
  is_error?: unknown;
  content?: unknown;
}

const blocksOf = (content: unknown): Block[] =>
  Array.isArray(content) ? content.filter((b): b is Block => typeof b === 'object' && b !== null) : [];

/** Text of a message's content (string or text blocks), with Claude Code's system reminders removed. */
export const messageText = (content: unknown): string => {
  const raw =
    typeof content === 'string'
      ? content
      : blocksOf(content)
          .filter((b) => b.type === 'text' && typeof b.text === 'string')
          .map((b) => b.text as string)
          .join('\n');
  return raw.replace(REMINDER, '').trim();
};

const isToolResultMessage = (m: Message): boolean =>
  m.role === 'user' && blocksOf(m.content).some((b) => b.type === 'tool_result');

const toolResultText = (content: unknown): string =>
  typeof content === 'string' ? content : blocksOf(content).map((b) => (typeof b.text === 'string' ? b.text : '')).join('\n');

const systemText = (system: unknown): string =>
  typeof system === 'string' ? system : blocksOf(system).map((b) => (typeof b.text === 'string' ? b.text : '')).join('\n');

/** Main conversation requests offer tools; title generation and other side requests do not. */
export const isMainRequest = (body: MessagesRequestBody): boolean => Array.isArray(body.tools) && body.tools.length > 0;

/**
 * Where the conversation stands. The server is stateless: Claude resends the whole history, so the step to
 * play is the number of assistant turns since the current prompt (the last user message that is not a tool result).
 */
export const analyzeConversation = (body: MessagesRequestBody): ConversationContext => {
  const messages: Message[] = Array.isArray(body.messages) ? body.messages : [];
  let anchor = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.role === 'user' && !isToolResultMessage(m)) {
      anchor = i;
      break;
    }
  }
  const first = messages.find((m) => m.role === 'user' && !isToolResultMessage(m));
  const turn = messages.slice(anchor + 1).filter((m) => m.role === 'assistant').length;
  const last = messages[messages.length - 1];
  const lastToolResults =
    last && isToolResultMessage(last)
      ? blocksOf(last.content)
          .filter((b) => b.type === 'tool_result')
          .map((b) => ({
            toolUseId: typeof b.tool_use_id === 'string' ? b.tool_use_id : '',
            isError: b.is_error === true,
            content: toolResultText(b.content),
          }))
      : [];
  const lastAssistant = messages.slice(anchor + 1).filter((m) => m.role === 'assistant').at(-1);
  const lastToolCalls = blocksOf(lastAssistant?.content)
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({
      id: typeof b.id === 'string' ? b.id : '',
      name: typeof b.name === 'string' ? b.name : '',
      input: typeof b.input === 'object' && b.input !== null ? (b.input as Record<string, unknown>) : {},
    }));
  const cwd = CWD_LINE.exec(systemText(body.system))?.[1];
  return {
    promptText: anchor >= 0 ? messageText(messages[anchor]?.content) : '',
    firstUserText: first ? messageText(first.content) : '',
    ...(cwd ? { cwd } : {}),
    turn,
    promptIndex: messages.slice(0, anchor).filter((m) => m.role === 'user' && !isToolResultMessage(m)).length,
    lastToolCalls,
    lastToolResults,
    body,
  };
};

/** Estimated tokens of a text: about four characters per token, at least one. */
export const estimateTokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));
