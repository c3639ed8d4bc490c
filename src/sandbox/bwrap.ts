/**
 * The bubblewrap command line for one contained process. Pure: a `SandboxSpec` in, argv out.
 *
 * Layout inside: the whole filesystem read-only; private /dev, /proc (own pid namespace) and /tmp; every `hide`
 * directory an empty tmpfs (the user's home, Orch's state and data, the user's checkout); then what the process
 * needs is put back: `readOnly` directories (the CLI, node, Orch's MCP server), `writable` ones (the worktree,
 * the git object store, the CLI's own config and credentials) and `readOnlyFiles` (git's pointers that must not
 * move). With `network`, the process gets its own network namespace (only loopback) and the gate's socket directory
 * (network/gate.ts), through which it reaches the model API, the daemon's MCP route and the allowed hosts; without,
 * the host's network is shared.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

export interface SandboxSpec {
  /** Directories shown empty (a tmpfs over each). */
  hide: string[];
  /** Directories put back read-only, under or over the hidden ones. */
  readOnly: string[];
  /** Directories put back writable. */
  writable: string[];
  /** Files (or directories) bound read-only last, on top of writable ones. */
  readOnlyFiles: string[];
  /** Files bound read-only from elsewhere, last (a scrubbed copy over `.git/config`). */
  overlays?: { source: string; target: string }[];
  /** Paths shown empty, very last (over anything put back): a directory as a tmpfs, a file as /dev/null. */
  masks?: { path: string; dir: boolean }[];
  /** The process's working directory inside. */
  cwd: string;
  /** Its own network namespace; the gate's sockets (`socketDir`, made by the gate before bwrap starts) at `guestDir`. */
  network?: { socketDir: string; guestDir: string };
}

/** `child` is `parent` or inside it. */
export const within = (parent: string, child: string): boolean => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const depth = (p: string): number => p.split('/').filter(Boolean).length;

/** Absolute, existing, without duplicates, parents before children. */
const clean = (paths: readonly string[]): string[] =>
  [...new Set(paths.filter((p) => isAbsolute(p) && p !== '/' && existsSync(p)))].sort((a, b) => depth(a) - depth(b));

export const bwrapArgs = (spec: SandboxSpec): string[] => {
  const args = [
    '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--hostname', 'orch-agent',
    '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp',
  ];
  // A hidden directory inside another one is hidden already; /tmp is private anyway.
  const hidden = clean(spec.hide).filter((h, i, all) => !within('/tmp', h) && !all.slice(0, i).some((p) => within(p, h)));
  for (const h of hidden) args.push('--tmpfs', h);
  // Read-only first, so a writable directory inside a read-only one (objects in .git) wins.
  const binds = [...clean(spec.readOnly).map((p) => ['--ro-bind', p] as const), ...clean(spec.writable).map((p) => ['--bind', p] as const)];
  binds.sort((a, b) => depth(a[1]) - depth(b[1]));
  for (const [flag, p] of binds) args.push(flag, p, p);
  for (const f of clean(spec.readOnlyFiles)) args.push('--ro-bind', f, f);
  for (const o of spec.overlays ?? []) if (existsSync(o.source) && existsSync(o.target)) args.push('--ro-bind', o.source, o.target);
  for (const m of spec.masks ?? []) args.push(...(m.dir ? ['--tmpfs', m.path] : ['--ro-bind', '/dev/null', m.path]));
  // No --die-with-parent: Orch signals the agent's whole process group, bubblewrap included, and a bubblewrap ended by
  // that SIGINT would SIGKILL the CLI inside before it saved its session (a paused run then could not resume). The
  // group's SIGKILL after the grace period ends everything inside as well.
  if (spec.network) args.unshift('--unshare-net');
  if (spec.network) args.push('--bind', spec.network.socketDir, spec.network.guestDir);
  args.push('--chdir', spec.cwd);
  return args;
};

/** The launch of `command args` inside the sandbox. */
export const wrapInBwrap = (bwrap: string, spec: SandboxSpec, command: string, args: readonly string[]): { command: string; args: string[] } => ({
  command: bwrap,
  args: [...bwrapArgs(spec), '--', command, ...args],
});
