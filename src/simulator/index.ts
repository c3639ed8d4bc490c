/**
 * The simulated model: a scripted HTTP server speaking the Anthropic Messages API, so real agent CLIs
 * (Claude Code) can be driven in tests and demos without a real LLM. Nothing here is intelligent.
 *
 * ## Prompt convention (the only knowledge the server has of prompts; see `readPromptDirectives`)
 *
 * The server is stateless: each `POST /v1/messages` carries the whole history. For a main request (one that
 * offers tools) the "current prompt" is the last user message that is not a tool result, with
 * `<system-reminder>` blocks removed. Step N of the scenario answers the N-th assistant turn after that prompt,
 * so every new prompt of a conversation (a `--resume` follow-up) starts its script at step 0. Past the end the
 * server answers a short `end_turn` text. Requests without tools (title generation and other side requests)
 * get a short `end_turn` text and consume nothing.
 *
 * Which scenario, first match wins:
 * 1. `[[scenario:NAME]]` anywhere in the current prompt, else in the first user message, when `NAME` is a key
 *    of `options.scenarios`.
 * 2. `options.scenario`: a fixed step list, or a function of the conversation returning one (or undefined).
 * 3. `epicScenario`, the default "implement the epic" script, which reads the current prompt:
 *    - fenced blocks whose info string is `file:PATH` (```` ```file:src/a.ts ````): write PATH with exactly the
 *      block's body (plus a final newline);
 *    - a fenced block with info string `deliverables`: one path per line;
 *    - a line `Deliverables:` (also `## Deliverables`, `**Deliverables:**`), then the list items below it until
 *      the first line that is neither blank, a list item nor indented: every backticked token in them
 *      (`` `src/billing/invoice.ts` ``) is a file; backticked paths on the `Deliverables:` line itself count too;
 *    - paths must be relative, without `..`, and contain a `.` or `/`; duplicates are written once;
 *    - a line `Verify: \`some command\`` sets the Bash command run afterwards (default `ls`).
 *    The script: turn 0 writes every file with parallel `Write` calls (paths made absolute with the working
 *    directory found in Claude's system prompt), turn 1 runs the Bash command, turn 2 ends with a summary
 *    naming the files. Claude refuses to Write over an existing file it has not read: such files are Read in
 *    turn 1 and written again in turn 2, and the summary moves to turn 3. Files not given by a `file:` block
 *    get deterministic content naming the prompt's title (first `# H1`, else first line).
 *
 * Tool inputs in any scenario may contain `{{cwd}}`, replaced by that working directory.
 */
export { startModelServer } from './server.js';
export { epicScenario, simulatedFileContent } from './epic.js';
export { readPromptDirectives, type PromptDirectives } from './prompt.js';
export { analyzeConversation, isMainRequest, messageText } from './conversation.js';
export type {
  ConversationContext, HttpErrorSpec, MessagesRequestBody, ModelServer, ModelServerOptions, RecordedRequest, RequestKind,
  Scenario, ScenarioPicker, Step, StepSource, StepUsage, ToolCall,
} from './types.js';
export { startGeminiServer } from './gemini.js';
export { startOpenAIChatServer } from './openai-chat.js';
