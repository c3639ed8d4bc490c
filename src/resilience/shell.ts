import type { AgentEvent } from '../agents/index.js';

type ToolCall = Extract<AgentEvent, { type: 'tool_call' }>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Claude `Bash`, Codex `command_execution`, Gemini `run_shell_command`, OpenCode `bash`, Goose `developer__shell`. */
const SHELL_TOOL = /bash|shell|exec|command|terminal/i;

// Codex reports what it ran wrapped: `/bin/bash -lc 'echo hi > made.txt'`.
const WRAPPED = /^(?:\S*\/)?(?:ba|z|da)?sh\s+-l?c\s+([\s\S]*)$/;

const unwrap = (command: string): string => {
  const m = WRAPPED.exec(command.trim());
  const rest = m?.[1]?.trim();
  if (rest === undefined || rest.length < 2) return command;
  if (rest.startsWith("'") && rest.endsWith("'")) return rest.slice(1, -1).replaceAll(`'\\''`, `'`);
  if (rest.startsWith('"') && rest.endsWith('"')) return rest.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  return rest;
};

/** The shell command line a tool call ran, for any backend; undefined for other tools. */
export function shellCommandOf(call: ToolCall): string | undefined {
  if (!SHELL_TOOL.test(call.name) || !isRecord(call.input)) return undefined;
  const { command, cmd } = call.input;
  const raw = command ?? cmd;
  if (typeof raw === 'string') return unwrap(raw);
  // Older Codex `local_shell` sends argv: ["bash", "-lc", "..."].
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) {
    const argv = raw as string[];
    const last = argv.at(-1);
    return argv.length === 3 && /sh$/.test(argv[0] ?? '') && /^-l?c$/.test(argv[1] ?? '') && last !== undefined ? last : argv.join(' ');
  }
  return undefined;
}

export interface Word {
  text: string;
  /** A redirection operator (`>`, `>>`, `2>`, `&>`); the next word is its target. */
  redirect?: true;
}

/**
 * A command line split into simple commands (on unquoted `;`, `&&`, `||`, `|`, `&`, newlines) and words, quotes
 * removed. Best effort, not a shell: no expansion, no subshell or heredoc structure.
 */
export function splitCommandLine(line: string): Word[][] {
  const commands: Word[][] = [];
  let words: Word[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push({ text: word });
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end === -1 ? line.length : end;
      word += line.slice(i + 1, stop);
      inWord = true;
      i = stop;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        word += line[i] ?? '';
      }
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i] ?? '';
      inWord = true;
    } else if (c === '>') {
      // `2>` and `&>`: the fd belongs to the operator, not to a word.
      if (inWord && /^(\d|&)$/.test(word)) {
        word = '';
        inWord = false;
      }
      endWord();
      if (line[i + 1] === '>') i++;
      if (line[i + 1] === '&') {
        // `>&2` duplicates a descriptor; nothing is written to a file.
        i++;
        while (i + 1 < line.length && /\d|-/.test(line[i + 1] ?? '')) i++;
        continue;
      }
      words.push({ text: '>', redirect: true });
    } else if (c === ';' || c === '\n' || c === '|' || c === '&' || c === '(' || c === ')') {
      if (c === '&' && line[i + 1] === '>') {
        endWord();
        word = '&';
        inWord = true;
        continue;
      }
      endCommand();
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

const PREFIXES = new Set(['sudo', 'command', 'exec', 'time', 'nohup', 'env', 'xargs', 'nice', 'doas']);

/** The words of a simple command without leading `FOO=bar` assignments and wrappers like `sudo` or `env`. */
export function stripPrefixes(words: readonly Word[]): Word[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]?.text ?? '';
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || PREFIXES.has(w) || (i > 0 && PREFIXES.has(words[i - 1]?.text ?? '') && w.startsWith('-'))) i++;
    else break;
  }
  return words.slice(i);
}
