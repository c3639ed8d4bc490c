/** What a tool call does, in a few words, for every backend's tool names (Claude, Codex, Gemini, OpenCode, Goose). */

const EDIT = /^(edit|multiedit|write|notebookedit|file_change|write_file|replace|edit_file|apply_patch|patch|str_replace_editor|text_editor|developer__text_editor)$/i;
const READ = /^(read|read_file|read_many_files|view|cat|list|ls|list_directory)$/i;
const SHELL = /^(bash|shell|run_shell_command|command_execution|exec_command|developer__shell|local_shell)$/i;
const SEARCH = /^(grep|glob|search|search_file_content|find|codebase_search|web_search|websearch|webfetch|web_fetch|google_web_search)$/i;
const TESTS = /\b(test|tests|vitest|jest|pytest|mocha|go test|cargo test|npm t)\b/;
const BUILD = /\b(build|tsc|make|cargo build|go build|compile)\b/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Shortens to `max` characters with an ellipsis; one line. */
export function shorten(s: string, max: number, ellipsis = '…'): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - ellipsis.length))}${ellipsis}`;
}

/** A path relative to the agent's worktree when it is inside it. */
export function relPath(p: string, root?: string): string {
  if (root && p.startsWith(`${root}/`)) return p.slice(root.length + 1);
  return p;
}

/** The file a tool call works on, when its input names one. */
export function toolPath(input: unknown, root?: string): string | undefined {
  if (!isObject(input)) return undefined;
  const p = str(input.file_path) ?? str(input.path) ?? str(input.filePath) ?? str(input.absolute_path) ?? str(input.notebook_path) ?? str(input.file);
  if (p) return relPath(p, root);
  const changes = input.changes;
  if (Array.isArray(changes) && isObject(changes[0])) {
    const first = str(changes[0].path);
    if (first) return changes.length > 1 ? `${relPath(first, root)} +${changes.length - 1}` : relPath(first, root);
  }
  return undefined;
}

/** The shell command a tool call runs, when it is one. */
export function toolCommand(input: unknown): string | undefined {
  if (!isObject(input)) return str(input);
  const c = input.command ?? input.cmd;
  if (Array.isArray(c)) return c.filter((x): x is string => typeof x === 'string').join(' ');
  return str(c);
}

const kindOf = (name: string): 'edit' | 'read' | 'shell' | 'search' | 'question' | 'other' => {
  const base = name.replace(/^mcp__[^_]+__/, '').replace(/^orch[_.]/, '');
  if (/^(ask|question|signal_question|ask_human)$/i.test(base) || /question/i.test(base)) return 'question';
  if (EDIT.test(base)) return 'edit';
  if (READ.test(base)) return 'read';
  if (SHELL.test(base)) return 'shell';
  if (SEARCH.test(base)) return 'search';
  return 'other';
};

/** The arguments of a tool call, shortened: a path, a command, a query, else `key=value` pairs. */
export function toolArgs(name: string, input: unknown, o: { root?: string; max?: number } = {}): string {
  const max = o.max ?? 80;
  const path = toolPath(input, o.root);
  if (path) return shorten(path, max);
  const cmd = toolCommand(input);
  if (cmd) return shorten(cmd, max);
  if (!isObject(input)) return input === undefined ? '' : shorten(JSON.stringify(input) ?? '', max);
  const q = str(input.query) ?? str(input.pattern) ?? str(input.url) ?? str(input.prompt) ?? str(input.text) ?? str(input.description);
  if (q) return shorten(q, max);
  const pairs = Object.entries(input)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : (JSON.stringify(v) ?? '')}`);
  return shorten(pairs.join(' '), max);
}

/** What the agent is doing, from its latest tool call: `editing src/x.ts`, `running tests`, `asking a question`. */
export function toolActivity(name: string, input: unknown, root?: string): string {
  const kind = kindOf(name);
  switch (kind) {
    case 'edit':
      return `editing ${toolPath(input, root) ?? 'files'}`;
    case 'read':
      return `reading ${toolPath(input, root) ?? 'files'}`;
    case 'shell': {
      const cmd = toolCommand(input) ?? '';
      if (TESTS.test(cmd)) return 'running tests';
      if (BUILD.test(cmd)) return 'building';
      return `running ${shorten(cmd, 40)}`;
    }
    case 'search':
      return 'searching';
    case 'question':
      return 'asking a question';
    case 'other':
      return `using ${name.replace(/^mcp__/, '').replace(/__/g, '.')}`;
    default: {
      const never: never = kind;
      return never;
    }
  }
}
