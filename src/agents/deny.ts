/**
 * Orch's deny-list in the CLIs that have no `--disallowedTools` of their own. The list is written Claude's way
 * (`Bash(git push:*)`, see DEFAULT_DISALLOWED_TOOLS); the shell command prefixes in it are what Gemini CLI's
 * policy engine and OpenCode's `permission.bash` can refuse. Tool names without a shell command have no
 * equivalent there and are left out. Whatever a CLI lets through is still checked after the turn.
 */
import { DEFAULT_DISALLOWED_TOOLS } from './claude/backend.js';

/** `Bash(git push:*)` -> `git push`; `Bash(npm publish)` -> `npm publish`; other entries are skipped. */
export const shellDenyPrefixes = (tools: readonly string[] = DEFAULT_DISALLOWED_TOOLS): string[] => [
  ...new Set(tools.map((t) => /^Bash\((.+?)(?::\*)?\)$/.exec(t.trim())?.[1]?.trim()).filter((p): p is string => !!p)),
];

export const DENY_REASON = 'Orch denies this command: the orchestrator owns branches, history and what reaches the remote';

/** A Gemini CLI policy file (TOML, for `--policy`) refusing those commands in every approval mode, yolo included. */
export const geminiDenyPolicy = (prefixes: readonly string[]): string =>
  prefixes.length === 0
    ? ''
    : [
        '[[rule]]',
        'toolName = "run_shell_command"',
        `commandPrefix = [${prefixes.map((p) => JSON.stringify(p)).join(', ')}]`,
        'decision = "deny"',
        // User-tier rules (4.x) outrank the built-in allow-everything rule of yolo mode (1.x).
        'priority = 900',
        `denyMessage = ${JSON.stringify(DENY_REASON)}`,
        '',
      ].join('\n');

/** OpenCode `permission.bash` patterns: everything else as configured (default allow), these denied. */
export const openCodeBashPermission = (existing: unknown, prefixes: readonly string[]): Record<string, string> => {
  const base: Record<string, string> =
    typeof existing === 'string' ? { '*': existing } : typeof existing === 'object' && existing !== null ? { ...(existing as Record<string, string>) } : {};
  for (const p of prefixes) {
    base[p] = 'deny';
    base[`${p} *`] = 'deny';
  }
  return base;
};
