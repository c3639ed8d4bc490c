import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Env = Record<string, string | undefined>;

/** Every location Orch uses for one project. All absolute. */
export interface ProjectPaths {
  /**
   * The project root, resolved through symlinks when it exists. In a linked worktree (`git worktree add`), the
   * repository's main checkout: every worktree of one repository shares one project and one daemon.
   */
  root: string;
  /**
   * `<basename>-<first 10 hex of sha256(main checkout)>`: one per repository, keyed on its git common dir (the
   * main checkout is the common dir's parent; for a bare repository, the common dir itself).
   */
  key: string;
  /** `$XDG_STATE_HOME/orch/projects/<key>` */
  stateDir: string;
  dbFile: string;
  daemonFile: string;
  lockFile: string;
  daemonLog: string;
  logsDir: string;
  /** `$XDG_DATA_HOME/orch/worktrees/<key>`: kept out of the user's working tree. */
  worktreesDir: string;
  /** `<root>/.orch/config.toml` */
  projectConfigFile: string;
  /** An isolated config home for agents, for runs that must not see the user's agent settings. */
  agentHome: string;
}

export interface OrchPaths {
  /** XDG base directories (not Orch-specific): `$XDG_CONFIG_HOME` or `~/.config`. */
  configHome: string;
  /** `$XDG_STATE_HOME` or `~/.local/state`. */
  stateHome: string;
  /** `$XDG_DATA_HOME` or `~/.local/share`. */
  dataHome: string;
  /** `<configHome>/orch` */
  configDir: string;
  /** `<stateHome>/orch` */
  stateDir: string;
  /** `<dataHome>/orch` */
  dataDir: string;
  /** `<configHome>/orch/config.toml` */
  userConfigFile: string;
  project(root: string): ProjectPaths;
}

/**
 * The one place that turns the environment and home directory into locations.
 * Pure apart from `realpath`; pass `env` and `homedir` in tests.
 */
export function createPaths(env: Env = process.env, homedir: string = os.homedir()): OrchPaths {
  const configHome = xdgDir(env['XDG_CONFIG_HOME'], path.join(homedir, '.config'));
  const stateHome = xdgDir(env['XDG_STATE_HOME'], path.join(homedir, '.local', 'state'));
  const dataHome = xdgDir(env['XDG_DATA_HOME'], path.join(homedir, '.local', 'share'));
  const configDir = path.join(configHome, 'orch');
  const stateDir = path.join(stateHome, 'orch');
  const dataDir = path.join(dataHome, 'orch');

  const project = (rootArg: string): ProjectPaths => {
    const { root, keyed } = repository(resolveRoot(rootArg));
    const key = projectKey(keyed);
    const projectState = path.join(stateDir, 'projects', key);
    return {
      root,
      key,
      stateDir: projectState,
      dbFile: path.join(projectState, 'orch.db'),
      daemonFile: path.join(projectState, 'daemon.json'),
      lockFile: path.join(projectState, 'daemon.lock'),
      daemonLog: path.join(projectState, 'daemon.log'),
      logsDir: path.join(projectState, 'logs'),
      worktreesDir: path.join(dataDir, 'worktrees', key),
      projectConfigFile: path.join(root, '.orch', 'config.toml'),
      agentHome: path.join(projectState, 'agent-home'),
    };
  };

  return {
    configHome,
    stateHome,
    dataHome,
    configDir,
    stateDir,
    dataDir,
    userConfigFile: path.join(configDir, 'config.toml'),
    project,
  };
}

/** The XDG spec says relative values are invalid and must be ignored. */
function xdgDir(value: string | undefined, fallback: string): string {
  if (value === undefined || value === '' || !path.isAbsolute(value)) return fallback;
  return path.normalize(value);
}

function resolveRoot(root: string): string {
  const resolved = path.resolve(root);
  try {
    return realpathSync.native(resolved);
  } catch {
    return resolved;
  }
}

/**
 * The repository `root` belongs to, by its git common dir, read the way git reads it (`.git` is a file
 * `gitdir: <dir>` in a linked worktree, and `<dir>/commondir` names the common dir) so no git process is spawned
 * on every command. A main checkout, a submodule or a folder outside git stays itself, keyed as before: existing
 * projects keep their state directories. A linked worktree becomes its main checkout; a worktree of a bare
 * repository keeps its own root but is keyed on the bare repository, so its sibling worktrees find its daemon.
 */
function repository(root: string): { root: string; keyed: string } {
  const self = { root, keyed: root };
  const dotGit = path.join(root, '.git');
  try {
    if (!lstatSync(dotGit).isFile()) return self;
    const gitdir = /^gitdir:[ \t]*(.+?)[ \t]*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
    if (gitdir === undefined) return self;
    const privateDir = path.resolve(root, gitdir);
    // No commondir: a submodule's own repository, not a linked worktree.
    const common = realpathSync.native(path.resolve(privateDir, readFileSync(path.join(privateDir, 'commondir'), 'utf8').trim()));
    if (path.basename(common) !== '.git') return { root, keyed: common };
    const main = path.dirname(common);
    return lstatSync(path.join(main, '.git')).isDirectory() ? { root: main, keyed: main } : { root, keyed: common };
  } catch {
    return self;
  }
}

function projectKey(root: string): string {
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 10);
  const base = path.basename(root).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'root';
  return `${base}-${hash}`;
}
