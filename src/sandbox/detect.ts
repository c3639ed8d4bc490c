/**
 * Whether bubblewrap can contain agents on this machine: the binary on PATH, and a trial run (user namespaces
 * may be off, or AppArmor may refuse them). Checked once per process; the daemon keeps a trial that worked (see
 * detectBwrapAsync).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `net`: whether the sandbox can have a network namespace of its own (`[sandbox] network = "proxy"`), else why not. */
export type SandboxAvailability = { ok: true; bwrap: string; version: string; net: true } | { ok: true; bwrap: string; version: string; net: false; netReason: string } | { ok: false; reason: string; fix: string };

const INSTALL = 'install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`; Fedora: `dnf install bubblewrap`; Arch: `pacman -S bubblewrap`)';

const cache = new Map<string, SandboxAvailability>();

export const findBwrap = (path: string): string | undefined =>
  path.split(':').filter(Boolean).map((d) => join(d, 'bwrap')).find((f) => existsSync(f));

export const detectBwrap = (path: string = process.env.PATH ?? ''): SandboxAvailability => {
  const hit = cache.get(path);
  if (hit) return hit;
  const result = probe(path);
  cache.set(path, result);
  return result;
};

/** What a probe needs of a finished process. */
type Ran = { status: number | null; stdout: string; stderr: string; error?: Error };
const VERSION_ARGS = ['--version'];
// A trial run as agents are run: its own pid and network namespaces, the system read-only, a private /tmp; when the
// network namespace is what fails, a second one without it.
const BASE_TRIAL = ['--die-with-parent', '--unshare-pid', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--', 'true'];
const TRIAL_ARGS = ['--unshare-net', ...BASE_TRIAL];

const runSync = (cmd: string, args: string[]): Ran => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error } : {}) };
};

const run = (cmd: string, args: string[]): Promise<Ran> =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', (error) => resolve({ status: null, stdout, stderr, error }));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });

/**
 * The same check as detectBwrap without blocking the thread: the daemon starts it first and awaits it once its
 * other start-up work is done (issue 12: two processes, 100-300 ms, no longer on the way to the first answer).
 */
export const detectBwrapAsync = async (path: string = process.env.PATH ?? '', savedFile?: string): Promise<SandboxAvailability> => {
  const hit = cache.get(path);
  if (hit) return hit;
  const found = precheck(path);
  if (typeof found !== 'string') return remember(path, found);
  // PERF: a trial that worked in full (a network namespace too) is kept in `savedFile` while nothing it depends on
  // changed (issue 12: two or three processes fewer at each daemon start). Anything less is tried again each time:
  // the user may just have fixed it.
  const key = savedFile ? trialKey(found) : undefined;
  if (savedFile && key) {
    const saved = readSaved(savedFile);
    if (saved?.key === key) return remember(path, { ok: true, bwrap: found, version: saved.version, net: true });
  }
  const [v, t] = await Promise.all([run(found, VERSION_ARGS), run(found, TRIAL_ARGS)]);
  const result = judge(found, v, t, t.status === 0 ? undefined : await run(found, BASE_TRIAL));
  if (result.ok && result.net && savedFile && key) writeSaved(savedFile, { key, version: result.version });
  return remember(path, result);
};

const remember = (path: string, result: SandboxAvailability): SandboxAvailability => {
  cache.set(path, result);
  return result;
};

/**
 * What a trial's outcome depends on: the binary (path, inode, size, mtime), this boot, and the kernel's switches for
 * unprivileged user namespaces (Debian's, the count limit, Ubuntu's AppArmor one). Undefined when unreadable.
 */
function trialKey(bwrap: string): string | undefined {
  try {
    const st = statSync(bwrap);
    const sys = (f: string): string => {
      try {
        return readFileSync(f, 'utf8').trim();
      } catch {
        return '-';
      }
    };
    const switches = ['/proc/sys/kernel/unprivileged_userns_clone', '/proc/sys/user/max_user_namespaces', '/proc/sys/kernel/apparmor_restrict_unprivileged_userns'].map(sys);
    return [bwrap, st.ino, st.size, st.mtimeMs, sys('/proc/sys/kernel/random/boot_id'), ...switches].join('|');
  } catch {
    return undefined;
  }
}

function readSaved(file: string): { key: string; version: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; version?: unknown };
    return typeof v.key === 'string' && typeof v.version === 'string' ? { key: v.key, version: v.version } : undefined;
  } catch {
    return undefined;
  }
}

function writeSaved(file: string, v: { key: string; version: string }): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(v)}\n`, { mode: 0o600 });
  } catch {
    // Only a start-up shortcut: the next start tries bwrap again.
  }
}

const probe = (path: string): SandboxAvailability => {
  const found = precheck(path);
  if (typeof found === 'string') {
    const t = runSync(found, TRIAL_ARGS);
    return judge(found, runSync(found, VERSION_ARGS), t, t.status === 0 ? undefined : runSync(found, BASE_TRIAL));
  }
  return found;
};

/** The bwrap binary to try, or why there is none. */
const precheck = (path: string): string | SandboxAvailability => {
  if (process.platform !== 'linux') return { ok: false, reason: `bubblewrap needs Linux (this is ${process.platform})`, fix: 'run Orch on Linux, or accept agents without OS containment with [sandbox] mode = "off"' };
  const bwrap = findBwrap(path);
  if (!bwrap) return { ok: false, reason: 'bwrap is not on PATH', fix: INSTALL };
  return bwrap;
};

const why = (t: Ran): string => t.stderr.trim() || t.error?.message || `exit code ${String(t.status)}`;

/** `t`: the trial with a network namespace; `plain`: the one without, run when `t` failed. */
const judge = (bwrap: string, v: Ran, t: Ran, plain?: Ran): SandboxAvailability => {
  const version = /[\d.]+/.exec(v.stdout)?.[0] ?? 'unknown';
  if (t.status !== 0 && plain?.status === 0) return { ok: true, bwrap, version, net: false, netReason: `bwrap --unshare-net fails here: ${why(t)}` };
  if (t.status !== 0) {
    const reason = why(plain ?? t);
    return {
      ok: false,
      reason: `${bwrap} cannot create a sandbox here: ${reason}`,
      fix: 'allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 an AppArmor profile for bwrap, or kernel.apparmor_restrict_unprivileged_userns=0), or run the daemon where bwrap works',
    };
  }
  return { ok: true, bwrap, version, net: true };
};
