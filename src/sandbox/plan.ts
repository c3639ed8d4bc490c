/**
 * What one agent may see and change: the directories of a `SandboxSpec`, worked out from the run (worktree, git
 * dirs, its private config dir), the backend (its CLI's own config and credentials) and where things live.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxSpec } from './bwrap.js';
import { within } from './bwrap.js';

export interface SandboxPlace {
  /** The run's worktree (writable; the process's cwd). */
  worktree: string;
  /** The user's checkout (hidden; its `.git` comes back read-only). */
  root?: string;
  /** `git rev-parse --git-common-dir` of the project. */
  commonDir?: string;
  /** The worktree's own git dir, `<commonDir>/worktrees/<name>`. */
  gitDir?: string;
  /** The run's private config dir (MCP env file, per-run CLI homes). */
  configDir?: string;
  /** Orch's state, data and config directories (hidden). */
  orchDirs: string[];
  /** The agent CLI's executable as configured (a name on PATH or a path). */
  command?: string;
  /** The child's environment (HOME, XDG_*, PATH, the CLIs' *_HOME variables). */
  env: Record<string, string | undefined>;
  backendId?: string;
  /** The worktree and git dirs read-only (a reviewer reads a change, it does not make one). */
  readOnly?: boolean;
  /** `[sandbox] writable`: more paths the user lets agents write. */
  extraWritable?: string[];
  /** A private (0700) directory of Orch's, hidden inside, for the scrubbed git config copies. */
  privateDir?: string;
  /**
   * The worktree is a checkout of the user's (the planner reads the repository): only what git tracks is shown,
   * every untracked or ignored file and directory (`.env`, local keys, build output) is shown empty.
   */
  hideUntracked?: boolean;
  /** URLs the process must reach beyond those its environment and argv name (the daemon's MCP route). */
  endpoints?: string[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
/** The package root whether this file runs from `src/sandbox/` or `dist/src/sandbox/`. */
export const orchPackageRoot = (): string => [resolve(HERE, '../..'), resolve(HERE, '../../..')].find((d) => existsSync(join(d, 'package.json'))) ?? resolve(HERE, '../../..');

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** Where an executable's files are: its `node_modules` tree for npm packages, else its directory. */
const installDir = (file: string): string => {
  const r = real(file);
  const parts = r.split('/');
  const nm = parts.lastIndexOf('node_modules');
  return nm > 0 ? parts.slice(0, nm + 1).join('/') : dirname(r);
};

const which = (command: string, path: string): string | undefined => {
  if (command.includes('/')) return isAbsolute(command) ? command : undefined;
  for (const dir of path.split(':').filter(Boolean)) {
    const f = join(dir, command);
    if (existsSync(f)) return f;
  }
  return undefined;
};

/** Each CLI's own config, credentials and sessions, as the CLI finds them from its environment. */
export const cliStateDirs = (backendId: string | undefined, env: Record<string, string | undefined>): string[] => {
  const home = env.HOME ?? '';
  const xdg = (name: 'XDG_CONFIG_HOME' | 'XDG_DATA_HOME' | 'XDG_STATE_HOME' | 'XDG_CACHE_HOME', fallback: string): string =>
    env[name] && isAbsolute(env[name]) ? env[name] : join(home, fallback);
  switch (backendId) {
    case 'claude':
      return env.CLAUDE_CONFIG_DIR ? [env.CLAUDE_CONFIG_DIR] : [join(home, '.claude'), join(home, '.claude.json')];
    case 'codex':
      return [env.CODEX_HOME || join(home, '.codex')];
    case 'gemini':
      // The run's GEMINI_CLI_HOME links into the user's .gemini (sessions, credentials).
      return [join(env.GEMINI_CLI_HOME || home, '.gemini'), join(home, '.gemini')];
    case 'opencode':
      return ['opencode'].flatMap((n) => [
        join(xdg('XDG_CONFIG_HOME', '.config'), n), join(xdg('XDG_DATA_HOME', '.local/share'), n),
        join(xdg('XDG_STATE_HOME', '.local/state'), n), join(xdg('XDG_CACHE_HOME', '.cache'), n),
      ]);
    case 'goose':
      return ['goose'].flatMap((n) => [join(xdg('XDG_CONFIG_HOME', '.config'), n), join(xdg('XDG_DATA_HOME', '.local/share'), n), join(xdg('XDG_STATE_HOME', '.local/state'), n)]);
    default:
      return [];
  }
};

/**
 * What in a CLI's own dir runs commands or instructs the model in the user's next session of that CLI, outside any
 * sandbox: Claude Code's settings (hooks, status line), plugins, commands, agents and skills; Codex's config.toml
 * (MCP servers, `notify`); Gemini CLI's settings and extensions; OpenCode's config and plugins; Goose's config; and
 * each one's user-level instructions file. The agent may write the rest of its CLI's dir (sessions, caches).
 */
const EXEC_CONFIG: Record<string, readonly string[]> = {
  claude: ['settings.json', 'settings.local.json', 'plugins', 'commands', 'agents', 'skills', 'hooks', 'CLAUDE.md'],
  codex: ['config.toml', 'AGENTS.md', 'AGENTS.override.md', 'prompts', 'skills', 'rules'],
  // Gemini CLI: user agents and skills, which project hooks and agents are trusted without asking, the binaries it
  // downloads and then runs (tmp/bin: ripgrep; bin/litert).
  gemini: ['settings.json', 'trustedFolders.json', 'trusted_hooks.json', 'acknowledgments', 'extensions', 'commands', 'policies', 'agents', 'skills', 'bin', 'tmp/bin', 'GEMINI.md'],
  // OpenCode: custom tools and modes (code it loads), skills, the plugins' own package.json and node_modules in its
  // config dir, and the binaries it downloads into its data dir (bin: ripgrep, language servers).
  opencode: ['opencode.json', 'opencode.jsonc', 'config.json', 'plugin', 'plugins', 'agent', 'agents', 'command', 'commands', 'tool', 'tools', 'mode', 'modes', 'skill', 'skills', 'package.json', 'node_modules', 'bin', 'AGENTS.md'],
  goose: ['config.yaml', 'permission.yaml', '.goosehints'],
};

/** What a CLI puts into that config by itself on its first start: Codex installs its system skills. */
const CLI_MANAGED: Record<string, readonly string[]> = {
  codex: ['skills/.system'],
  gemini: ['tmp/bin', 'bin'],
  opencode: ['bin', 'node_modules', 'package.json'],
};

const underCliDirs = (table: Record<string, readonly string[]>, backendId: string | undefined, env: Record<string, string | undefined>): string[] => {
  const names = table[backendId ?? ''] ?? [];
  return cliStateDirs(backendId, env).filter((d) => extname(d) !== '.json').flatMap((d) => names.map((n) => join(d, n)));
};

/** The command-running config of a backend's CLI dirs, existing or not. */
export const cliExecConfig = (backendId: string | undefined, env: Record<string, string | undefined>): string[] => underCliDirs(EXEC_CONFIG, backendId, env);

/** The parts of `cliExecConfig` the CLI itself creates (a new one is the CLI's, not the agent's). */
export const cliManagedConfig = (backendId: string | undefined, env: Record<string, string | undefined>): string[] => underCliDirs(CLI_MANAGED, backendId, env);

/** The git dir a worktree's `.git` file names, read before the agent can touch it. */
export const worktreeGitDir = (worktree: string): string | undefined => {
  try {
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(join(worktree, '.git'), 'utf8'));
    return m?.[1] ? resolve(worktree, m[1].trim()) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Host services listen on Unix sockets under /run: the user's systemd and D-Bus (`systemd-run --user` runs a command
 * outside any sandbox), ssh and gpg agents, docker, databases with peer authentication. A read-only bind does not stop
 * `connect()`, so /run is hidden and only what name resolution and the PATH need comes back.
 */
const RUN = '/run';

const runKept = (path: string): string[] => {
  const kept = ['/run/systemd/resolve', '/run/current-system', '/run/wrappers/bin', '/run/opengl-driver'];
  const resolv = real('/etc/resolv.conf');
  if (within(RUN, resolv) && resolv !== RUN) kept.push(dirname(resolv));
  for (const d of path.split(':')) if (isAbsolute(d) && within(RUN, d) && d !== RUN) kept.push(d);
  return kept.filter((d) => existsSync(d) && !within(join(RUN, 'user'), d));
};

/** Top-level directories of the system itself; every other one (/home, /root, /srv, /mnt, /media, /work, /data...) holds people's or services' files. */
const SYSTEM_ROOTS = new Set(['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'etc', 'opt', 'nix', 'gnu', 'snap', 'var', 'run', 'proc', 'dev', 'sys', 'tmp']);

/** Services' data and the machine's logs and mail under /var; the rest of /var (caches, the package database) stays. */
const VAR_DATA = ['/var/lib/docker', '/var/lib/containerd', '/var/lib/containers', '/var/lib/postgresql', '/var/lib/mysql', '/var/lib/redis', '/var/lib/mongodb', '/var/lib/private', '/var/log', '/var/mail', '/var/spool', '/var/backups', '/var/tmp'];

/** Secrets of the machine in /etc (readable by root, which an agent may be): shown empty. */
const ETC_SECRETS = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/sudoers', '/etc/sudoers.d', '/etc/ssl/private', '/etc/security/opasswd'];

/** What of the filesystem an agent never needs: other people's and projects' directories, services' data. */
export const dataDirs = (root = '/'): string[] => {
  let tops: string[] = [];
  try {
    tops = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !SYSTEM_ROOTS.has(e.name)).map((e) => join(root, e.name));
  } catch {
    // Unreadable: only what is named below is hidden.
  }
  return [...tops, ...VAR_DATA.filter((d) => existsSync(d))];
};

/** /etc's secrets, and the host's ssh private keys, as masks (a directory shown empty, a file as /dev/null). */
export const etcMasks = (): { path: string; dir: boolean }[] => {
  const keys = (() => {
    try {
      return readdirSync('/etc/ssh').filter((f) => /^ssh_host_.*_key$/.test(f)).map((f) => join('/etc/ssh', f));
    } catch {
      return [];
    }
  })();
  return [...ETC_SECRETS, ...keys].filter((f) => existsSync(f)).map((f) => {
    let dir = false;
    try {
      dir = readdirSync(f) !== undefined;
    } catch {
      dir = false;
    }
    return { path: f, dir };
  });
};

export const planSandbox = (p: SandboxPlace): SandboxSpec => {
  const home = p.env.HOME && p.env.HOME !== '/' ? p.env.HOME : undefined;
  const hide = [...(home ? [home] : []), ...p.orchDirs, ...(p.root ? [p.root] : []), ...(existsSync(RUN) ? [RUN] : []), ...dataDirs()];
  const hidden = (d: string): boolean => hide.some((h) => within(h, d)) || within('/tmp', d);
  // Binaries put back: never a directory that would reveal a hidden one (a PATH entry of $HOME itself).
  const tool = (d: string | undefined): d is string => !!d && hidden(d) && !hide.some((h) => within(d, h)) && !within(d, '/tmp');
  const path = p.env.PATH ?? '';
  const command = p.command ? which(p.command, path) : undefined;
  const readOnly = [
    ...path.split(':').filter((d) => isAbsolute(d)).map(real),
    ...runKept(path),
    ...(command ? [installDir(command)] : []),
    dirname(dirname(real(process.execPath))),
    orchPackageRoot(),
  ].filter(tool);
  // A CLI dir that would uncover a hidden one (CLAUDE_CONFIG_DIR=$HOME) is not put back.
  const cliDirs = cliStateDirs(p.backendId, p.env).filter((d) => !hide.some((h) => within(d, h)));
  const writable = [...(p.readOnly ? [] : [p.worktree]), ...(p.configDir ? [p.configDir] : []), ...cliDirs, ...(p.extraWritable ?? [])];
  if (p.readOnly) readOnly.push(p.worktree);
  const readOnlyFiles: string[] = [];
  if (p.commonDir) {
    // The shared .git read-only (config, hooks, refs); its object store and this worktree's own dir writable
    // (new blobs from `git add`, the index, HEAD); the pointers that say which repository this is cannot move.
    readOnly.push(p.commonDir);
    if (!p.readOnly) writable.push(join(p.commonDir, 'objects'));
    if (p.gitDir && within(p.commonDir, p.gitDir) && !p.readOnly) {
      writable.push(p.gitDir);
      readOnlyFiles.push(join(p.gitDir, 'commondir'), join(p.gitDir, 'gitdir'), join(p.gitDir, 'config.worktree'));
    }
    readOnlyFiles.push(join(p.worktree, '.git'));
  }
  // Existing ones read-only (Orch's own per-run files in its config dir are the run's business).
  readOnlyFiles.push(...cliExecConfig(p.backendId, p.env).filter((f) => !(p.configDir && within(p.configDir, f))));
  return { hide, readOnly, writable, readOnlyFiles, masks: etcMasks(), cwd: p.worktree };
};
