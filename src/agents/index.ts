/** Agents: one backend per coding-agent CLI, process supervision, and the agent environment. */
import { createClaudeBackend, type ClaudeBackendOptions } from './claude/backend.js';
import { createCodexBackend, type CodexBackendOptions } from './codex/backend.js';
import { createGeminiBackend, type GeminiBackendOptions } from './gemini/backend.js';
import { createGooseBackend, type GooseBackendOptions } from './goose/backend.js';
import { createOpenCodeBackend, type OpenCodeBackendOptions } from './opencode/backend.js';
import type { AgentBackend, AgentEvent } from './types.js';
import { parseClaudeLine } from './claude/parse.js';
import { parseCodexLine } from './codex/parse.js';
import { parseGeminiLine } from './gemini/parse.js';
import { parseGooseLine } from './goose/parse.js';
import { parseOpenCodeLine } from './opencode/parse.js';

export type * from './types.js';
export { emptyUsage } from './types.js';
export {
  buildClaudeArgs, CLAUDE_COMMAND_CONFIG_KEY, createClaudeBackend, DEFAULT_ALLOWED_TOOLS, DEFAULT_DISALLOWED_TOOLS,
  type ClaudeBackendOptions,
} from './claude/backend.js';
export { parseClaudeLine } from './claude/parse.js';
export { buildCodexArgs, createCodexBackend, type CodexBackendOptions } from './codex/backend.js';
export { parseCodexLine } from './codex/parse.js';
export { buildGeminiArgs, createGeminiBackend, type GeminiBackendOptions } from './gemini/backend.js';
export { parseGeminiLine } from './gemini/parse.js';
export { buildGooseArgs, createGooseBackend, gooseSessionName, type GooseBackendOptions } from './goose/backend.js';
export { parseGooseLine } from './goose/parse.js';
export { buildOpenCodeArgs, createOpenCodeBackend, type OpenCodeBackendOptions } from './opencode/backend.js';
export { compareVersions, SUPPORTED_VERSIONS, supportedRange, unparsedNote, versionSupport } from './versions.js';
export { parseOpenCodeLine } from './opencode/parse.js';
export { AGENT_ENV_DEFAULTS, sanitizeEnv, commandEnv, type SanitizeOptions } from './env.js';
export { isAlive, isOurProcess, killGroup, type KillGroupResult, type ProcessMarker } from './group.js';
export { createLineSplitter, createTail, ownString, type LineSplitter } from './lines.js';
export { formatCommand, spawnSupervised, type ProcessResult, type SpawnOptions, type SupervisedProcess } from './process.js';
export { resolveCommand } from './resolve.js';
export { createAgentResolver, READ_ONLY_TOOLS } from './resolver.js';

export const SUPPORTED_BACKENDS = ['claude', 'codex', 'gemini', 'opencode', 'goose'] as const;

/** Options every backend understands; a backend ignores the fields it has no use for. */
export type BackendConfig = ClaudeBackendOptions & CodexBackendOptions & GeminiBackendOptions & OpenCodeBackendOptions & GooseBackendOptions;

/** One line of a backend's output as typed events (for readable logs); an unknown backend yields none. */
export const parseAgentLine = (id: string, line: string): AgentEvent[] => {
  switch (id) {
    case 'claude':
      return parseClaudeLine(line);
    case 'codex':
      return parseCodexLine(line);
    case 'gemini':
      return parseGeminiLine(line);
    case 'opencode':
      return parseOpenCodeLine(line);
    case 'goose':
      return parseGooseLine(line);
    default:
      return [];
  }
};

export const createBackend = (id: string, config: BackendConfig = {}): AgentBackend => {
  switch (id) {
    case 'claude':
      return createClaudeBackend(config);
    case 'codex':
      return createCodexBackend(config);
    case 'gemini':
      return createGeminiBackend(config);
    case 'opencode':
      return createOpenCodeBackend(config);
    case 'goose':
      return createGooseBackend(config);
    default:
      throw new Error(`Unknown agent backend "${id}": supported backends are ${SUPPORTED_BACKENDS.join(', ')}`);
  }
};
