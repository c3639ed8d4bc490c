import { createCliBackend } from '../codex/runner.js';
import type { AgentBackend, AgentRunRequest } from '../types.js';
import { parseGeminiLine } from './parse.js';

export interface GeminiBackendOptions {
  /** Executable name looked up on PATH, or a path. Default (also for "") `gemini`. */
  command?: string;
  /** Appended after every other argument. */
  extraArgs?: string[];
  /** Default `yolo`: the only mode that offers the shell tool at all (AGENT-CLIS.md 7.1). */
  approvalMode?: 'default' | 'auto_edit' | 'yolo' | 'plan';
  /** Environment used by `check()` to find the command. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL on cancel. Default 3000. */
  graceMs?: number;
}

export const GEMINI_COMMAND_CONFIG_KEY = 'agent.command';

const installHint = (command: string): string =>
  `Install Gemini CLI with \`npm i -g @google/gemini-cli\`, or set ${GEMINI_COMMAND_CONFIG_KEY} in the config to the path of the binary (now "${command}").`;

/**
 * argv for one run. `--skip-trust`: a fresh home otherwise exits 55 before doing anything. The system prompt
 * has no flag (GEMINI_SYSTEM_MD would replace the whole built-in prompt), so it is prepended to the prompt.
 */
export const buildGeminiArgs = (opts: GeminiBackendOptions, req: Pick<AgentRunRequest, 'prompt' | 'resumeSessionId' | 'model' | 'systemPrompt'>): string[] => {
  const text = req.systemPrompt ? `${req.systemPrompt}\n\n${req.prompt}` : req.prompt;
  // yargs would read a prompt starting with "-" as an option; a leading space keeps it the value of -p.
  const prompt = text.startsWith('-') ? ` ${text}` : text;
  const args = ['-p', prompt, '-o', 'stream-json', '--skip-trust', '--approval-mode', opts.approvalMode ?? 'yolo'];
  if (req.model) args.push('-m', req.model);
  if (req.resumeSessionId) args.push('--resume', req.resumeSessionId);
  return [...args, ...(opts.extraArgs ?? [])];
};

export const createGeminiBackend = (opts: GeminiBackendOptions = {}): AgentBackend => {
  const command = opts.command || 'gemini';
  return createCliBackend({
    id: 'gemini',
    label: 'Gemini CLI',
    command,
    installHint: installHint(command),
    parse: parseGeminiLine,
    args: (req) => buildGeminiArgs(opts, req),
    // Without it gemini re-spawns itself as a second node process with a bigger heap.
    env: () => ({ GEMINI_CLI_NO_RELAUNCH: '1' }),
    textSeparator: '',
    ...(opts.env ? { checkEnv: opts.env } : {}),
    ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
  });
};
