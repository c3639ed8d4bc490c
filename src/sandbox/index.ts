/** OS containment of agents (bubblewrap): what each one may see and change, and whether this machine can do it. */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, isAbsolute, join } from 'node:path';
import type { Contain } from '../agents/types.js';
import { bwrapArgs, wrapInBwrap } from './bwrap.js';
import { detectBwrap, type SandboxAvailability } from './detect.js';
import { scrubbedGitConfigs } from './git-config.js';
import { gateLaunch, GUEST_DIR, newSocketDir, type NetworkSetting } from './network/index.js';
import { cliStateDirs, orchPackageRoot, planSandbox, type SandboxPlace } from './plan.js';

export { bwrapArgs, within, wrapInBwrap, type SandboxSpec } from './bwrap.js';
export { detectBwrap, detectBwrapAsync, findBwrap, type SandboxAvailability } from './detect.js';
export { guardGit, type GitGuardPlace } from './tamper.js';
export { claudeStateFiles, guardCliState } from './cli-state.js';
export { cliExecConfig, cliManagedConfig, cliStateDirs, planSandbox, worktreeGitDir, type SandboxPlace } from './plan.js';
export { scrubGitConfig } from './git-config.js';
export { gateLaunch, hostAllowed, networkPlan, PROVIDER_HOSTS, REGISTRY_HOSTS, serveProxy, type NetworkMode, type NetworkSetting } from './network/index.js';

const MAX_MASKS = 2000;

/** Every untracked or ignored file and directory of a checkout (a directory as one entry), or undefined. */
const untrackedIn = (checkout: string, path: string): { path: string; dir: boolean }[] | undefined => {
  // No hook, no fsmonitor command from the repository, no inherited GIT_* variables.
  const r = spawnSync('git', ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', 'ls-files', '-z', '--others', '--directory'], {
    cwd: checkout, env: { PATH: path, GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 30_000,
  });
  if (r.status !== 0) return undefined;
  const entries = r.stdout.split('\0').filter(Boolean);
  if (entries.length > MAX_MASKS) return undefined;
  // A link needs no mask: what it points to inside the checkout is masked itself, outside it is hidden or system.
  return entries
    .map((e) => ({ path: join(checkout, e.replace(/\/$/, '')), dir: e.endsWith('/') }))
    .filter((m) => {
      try {
        return !lstatSync(m.path).isSymbolicLink();
      } catch {
        return false;
      }
    });
};

let fallbackDir: string | undefined;
const privateDirOf = (place: { privateDir?: string }): string =>
  place.privateDir ?? (fallbackDir ??= mkdtempSync(join(tmpdir(), 'orch-sandbox-')));

/** Every git config file the contained process can read: the shared one, the worktree's, a checkout's own. */
const gitConfigFiles = (place: Omit<SandboxPlace, 'env' | 'command'>): string[] => [
  ...(place.commonDir ? [join(place.commonDir, 'config'), join(place.commonDir, 'config.worktree')] : []),
  ...(place.gitDir ? [join(place.gitDir, 'config.worktree')] : []),
  join(place.worktree, '.git', 'config'),
  ...(place.root ? [join(place.root, '.git', 'config')] : []),
];

/** Creates each CLI state directory (not the files among them, such as ~/.claude.json) that is missing, private. */
export const ensureCliDirs = (backendId: string | undefined, env: Record<string, string | undefined>): void => {
  for (const d of cliStateDirs(backendId, env)) {
    if (!isAbsolute(d) || extname(d) === '.json' || existsSync(d)) continue;
    try {
      mkdirSync(d, { recursive: true, mode: 0o700 });
    } catch {
      // Not ours to create (a read-only home): the CLI reports what it cannot write.
    }
  }
};

export type SandboxMode = 'bwrap' | 'off';
export type SandboxSetting = SandboxMode | 'auto';

export interface Sandboxer {
  /** What protects agents here: `bwrap` or `off`, and why. */
  readonly mode: SandboxMode;
  /** `proxy`: each contained process has its own network (the gate's ports and allow-list only); `host`: shared. */
  readonly network: 'proxy' | 'host';
  readonly note: string;
  /** The `contain` hook for one process, or undefined when sandboxing is off. */
  contain(place: Omit<SandboxPlace, 'env' | 'command'>): Contain | undefined;
}

export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
}

/**
 * `configured`: `[sandbox] mode` ("bwrap", "off", or unset = bwrap when it works here, else off with a warning).
 * An explicit "bwrap" that cannot work throws, with what to install.
 */
export const createSandboxer = (
  configured: SandboxSetting | undefined,
  path: string = process.env.PATH ?? '',
  detect: (path: string) => SandboxAvailability = detectBwrap,
  net: NetworkSetting = { mode: 'proxy', allowHosts: [] },
): Sandboxer => {
  if (configured === 'off') return { mode: 'off', network: 'host', note: 'off ([sandbox] mode = "off"): agents run with all the rights of your user', contain: () => undefined };
  const found = detect(path);
  if (!found.ok) {
    if (configured === 'bwrap') throw new SandboxUnavailableError(`[sandbox] mode = "bwrap", but ${found.reason}; ${found.fix}, or set [sandbox] mode = "off"`);
    return { mode: 'off', network: 'host', note: `off: ${found.reason}; agents run with all the rights of your user. To contain them: ${found.fix}`, contain: () => undefined };
  }
  const bwrap = found.bwrap;
  const gated = net.mode === 'proxy' && found.net;
  const netNote = gated
    ? `; its own network: only its model API, Orch's MCP route and the hosts in [sandbox] allow_hosts, through a proxy`
    : net.mode === 'host'
      ? '; the host network is shared ([sandbox] network = "host"): services on 127.0.0.1 and abstract sockets are reachable'
      : `; the host network is shared (${found.net ? '' : found.netReason}): services on 127.0.0.1 and abstract sockets are reachable`;
  return {
    mode: 'bwrap',
    network: gated ? 'proxy' : 'host',
    note: `bwrap ${found.version} (${bwrap}): each agent sees its worktree, its CLI's own config and a read-only system; your home, Orch's state and other worktrees are hidden${netNote}`,
    contain: (place) => (launch) => {
      const spec = planSandbox({ ...place, env: launch.env, command: launch.command });
      spec.overlays = scrubbedGitConfigs(gitConfigFiles(place), privateDirOf(place));
      if (place.hideUntracked) {
        const masks = untrackedIn(place.worktree, launch.env.PATH ?? '');
        // Too many to mask, or git could not say: the checkout stays hidden as a whole.
        if (masks) spec.masks = [...(spec.masks ?? []), ...masks];
        else spec.readOnly = spec.readOnly.filter((d) => d !== place.worktree);
      }
      // A CLI's own dir that does not exist yet (a first run) is made now: bubblewrap binds only what exists,
      // and what the CLI wrote into the sandbox's tmpfs instead (its sessions) would be gone for the next turn.
      ensureCliDirs(place.backendId, launch.env);
      // The inherited TMPDIR may be hidden or read-only inside; /tmp is the sandbox's own.
      const env = { ...launch.env, TMPDIR: '/tmp' };
      if (!gated) return { ...wrapInBwrap(bwrap, spec, launch.command, launch.args), env };
      const socketDir = newSocketDir();
      spec.network = { socketDir, guestDir: GUEST_DIR };
      const gate = gateLaunch({ ...launch, env }, { allowHosts: net.allowHosts, endpoints: place.endpoints ?? [], socketDir, packageRoot: orchPackageRoot() });
      return gate.wrap(bwrap, bwrapArgs(spec), launch);
    },
  };
};
