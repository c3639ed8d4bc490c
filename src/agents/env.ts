/** Variables an agent child may inherit: exact names. */
const PASS_NAMES = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TERM', 'COLORTERM', 'TMPDIR', 'SHELL', 'TZ',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy',
  'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE',
  'CLOUD_ML_REGION', 'IS_SANDBOX', 'API_TIMEOUT_MS', 'BASH_DEFAULT_TIMEOUT_MS', 'BASH_MAX_TIMEOUT_MS', 'MAX_THINKING_TOKENS', 'MCP_TIMEOUT',
]);

/** Variables an agent child may inherit: prefixes (model providers and locale). */
const PASS_PREFIXES = ['LC_', 'ANTHROPIC_', 'CLAUDE_', 'AWS_', 'GOOGLE_', 'GCLOUD_', 'VERTEX_'];

/** Never passed even when a prefix matches: markers of a surrounding Claude Code session. */
const DENY_NAMES = new Set(['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT', 'CLAUDE_CODE_SSE_PORT']);

/**
 * Variables that lead to a service of the user's session outside the sandbox: key agents, the session bus, displays
 * (X11's socket is abstract: no mount hides it), terminal, multiplexer and editor remote control, container engines,
 * systemd's notify socket, Kerberos tickets. A wildcard in `pass_env` does not carry them, only their exact name
 * does (the user's decision), and the project's build, test and lint get them only then too.
 */
const SESSION_NAMES = new Set([
  'SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'SSH_ASKPASS', 'SUDO_ASKPASS', 'GIT_ASKPASS', 'GPG_AGENT_INFO', 'GNOME_KEYRING_CONTROL',
  'DBUS_SESSION_BUS_ADDRESS', 'DBUS_SYSTEM_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'SESSION_MANAGER',
  'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'PULSE_SERVER',
  'TMUX', 'TMUX_PANE', 'STY', 'ZELLIJ', 'ZELLIJ_SESSION_NAME', 'KITTY_LISTEN_ON', 'KITTY_WINDOW_ID', 'KITTY_PUBLIC_KEY',
  'WEZTERM_UNIX_SOCKET', 'ALACRITTY_SOCKET', 'NVIM', 'NVIM_LISTEN_ADDRESS', 'VSCODE_IPC_HOOK', 'VSCODE_IPC_HOOK_CLI', 'VSCODE_GIT_IPC_HANDLE',
  'DOCKER_HOST', 'CONTAINER_HOST', 'PODMAN_HOST', 'KRB5CCNAME',
  'NOTIFY_SOCKET', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'WATCHDOG_PID', 'WATCHDOG_USEC', 'JOURNAL_STREAM', 'INVOCATION_ID', 'MANAGERPID',
]);
const SESSION_PREFIXES = ['VSCODE_GIT_ASKPASS', 'KITTY_', 'WEZTERM_', 'ZELLIJ_', 'TERMINATOR_', 'GNOME_TERMINAL_', 'KONSOLE_DBUS'];
const isSession = (name: string): boolean => SESSION_NAMES.has(name) || SESSION_PREFIXES.some((p) => name.startsWith(p));

/**
 * Variables that make a program load or run code it was not asked to: the dynamic loader's preload and search path,
 * Node's `--require`/`--import` and module path, Python's, Perl's and Ruby's start-up code, the files a shell sources
 * (BASH_ENV, ENV, ZDOTDIR), the JVM's agent options, and git's config and helper commands (GIT_CONFIG_*, GIT_SSH_COMMAND,
 * GIT_EXEC_PATH, GIT_EXTERNAL_DIFF, ...). An IDE's debugger, a profiler or a shell plugin often leaves one in the
 * daemon's environment (VS Code's auto-attach sets NODE_OPTIONS=--require <a file of the user's>). Like the session's
 * sockets, they reach an agent only by their exact name in pass_env, never through a wildcard; Orch's own git
 * settings for agents (the push guard) are added after.
 */
const INJECTION_NAMES = new Set([
  'NODE_OPTIONS', 'NODE_PATH', 'NODE_REPL_EXTERNAL_MODULE', 'BUN_OPTIONS', 'DENO_OPTIONS', 'ELECTRON_RUN_AS_NODE',
  'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'LD_DEBUG_OUTPUT', 'LD_PROFILE',
  'PYTHONSTARTUP', 'PYTHONPATH', 'PYTHONHOME', 'PYTHONUSERBASE', 'PYTHONINSPECT', 'PYTHONBREAKPOINT', 'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'RUBYOPT', 'RUBYLIB',
  'BASH_ENV', 'ENV', 'ZDOTDIR', 'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'IFS',
  'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'MAVEN_OPTS', 'GRADLE_OPTS', 'LUA_INIT', 'TCLLIBPATH',
  'EDITOR', 'VISUAL', 'PAGER', 'LESSOPEN', 'LESSCLOSE', 'MANPAGER', 'BROWSER',
]);
const INJECTION_PREFIXES = ['LD_', 'DYLD_', 'GIT_', 'BASH_FUNC_', 'PYTHON', 'NODE_OPTIONS', 'npm_config_node_options', 'NPM_CONFIG_NODE_OPTIONS'];
/** A variable that injects code or config into the programs an agent starts (exported for the project commands' tests). */
export const isInjection = (name: string): boolean => INJECTION_NAMES.has(name) || INJECTION_PREFIXES.some((p) => name.startsWith(p));

/**
 * The git-level half of the push deny-list, for every CLI (only Claude Code has a tool deny-list of its own):
 * an empty `pushInsteadOf` prefix matches every remote URL, so each `git push` from the agent is rewritten to the
 * nonexistent transport `orch-push-denied::` and fails at once, without network, printing
 * "git: 'remote-orch-push-denied' is not a git command". Fetches are untouched. What the agent did is still
 * checked after the turn (remote refs compared), since an agent can unset its environment.
 */
export const GIT_PUSH_GUARD_ENV: Readonly<Record<string, string>> = {
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'url.orch-push-denied::.pushInsteadOf',
  GIT_CONFIG_VALUE_0: '',
};

/** Always set for agents: no self-update, no telemetry or error reporting from inside a run, no pushes. */
export const AGENT_ENV_DEFAULTS: Readonly<Record<string, string>> = {
  DISABLE_AUTOUPDATER: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  ...GIT_PUSH_GUARD_ENV,
};

export interface SanitizeOptions {
  /** More names to pass through; a trailing `*` makes a prefix (`OPENAI_*`). */
  allow?: readonly string[];
}

const allowed = (name: string, extra: readonly string[]): boolean =>
  !DENY_NAMES.has(name) &&
  // Git plumbing variables (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_CONFIG_*) would point the agent's git
  // at the wrong repository or inject config; they are never on the list.
  (extra.includes(name) ||
    (!isSession(name) && !isInjection(name) &&
      (PASS_NAMES.has(name) || PASS_PREFIXES.some((p) => name.startsWith(p)) || extra.some((a) => a.endsWith('*') && name.startsWith(a.slice(0, -1))))));

/**
 * The environment for an agent: an allow-list of the parent's variables (locale, shell basics, proxies,
 * CA bundles, provider credentials), the agent defaults, then `extra` (which wins and is not filtered).
 */
export const sanitizeEnv = (
  parent: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
  opts: SanitizeOptions = {},
): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && allowed(name, opts.allow ?? [])) env[name] = value;
  }
  return { ...env, ...AGENT_ENV_DEFAULTS, ...extra };
};

/** Model-provider and cloud credentials: an agent's CLI needs them, the project's build, test and lint never do. */
const CREDENTIAL_PREFIXES = ['ANTHROPIC_', 'CLAUDE_', 'AWS_', 'GOOGLE_', 'GCLOUD_', 'VERTEX_', 'OPENAI_', 'GEMINI_', 'AZURE_', 'MISTRAL_', 'GROQ_', 'OPENROUTER_', 'ORCH_'];
const SECRET_NAMED = /(_KEY|_TOKEN|_SECRET|SECRET_|PASSWORD|PASSWD|_PAT|CREDENTIALS?)$|^(GITHUB_TOKEN|GH_TOKEN)$/i;

/**
 * The environment for the project's own commands (build, test, lint, from the daemon or an agent's MCP tools):
 * an environment minus provider credentials, forge tokens, anything named like a secret and the session's sockets. A name the user put
 * in `pass_env` exactly (no `*`) is their decision and stays.
 */
export const commandEnv = (env: Record<string, string | undefined>, explicit: readonly string[] = []): Record<string, string> => {
  const keep = new Set(explicit.filter((n) => !n.endsWith('*')));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (!keep.has(k) && (CREDENTIAL_PREFIXES.some((p) => k.startsWith(p)) || SECRET_NAMED.test(k) || isSession(k))) continue;
    out[k] = v;
  }
  return out;
};
