import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Env = Record<string, string | undefined>;

/** Every location Orch uses for one project. All absolute. */
export interface ProjectPaths {
  /** The project root, resolved through symlinks when it exists. */
  root: string;
  /** `<basename>-<first 10 hex of sha256(root)>`: stable per root, distinct between roots. */
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
    const root = resolveRoot(rootArg);
    const key = projectKey(root);
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

function projectKey(root: string): string {
  const hash = createHash('sha256').update(root).digest('hex').slice(0, 10);
  const base = path.basename(root).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'root';
  return `${base}-${hash}`;
}
