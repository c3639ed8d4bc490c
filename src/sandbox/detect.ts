/**
 * Whether bubblewrap can contain agents on this machine: the binary on PATH, and a trial run (user namespaces
 * may be off, or AppArmor may refuse them). Checked once per process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
export const detectBwrapAsync = async (path: string = process.env.PATH ?? ''): Promise<SandboxAvailability> => {
  const hit = cache.get(path);
  if (hit) return hit;
  const found = precheck(path);
  if (typeof found !== 'string') return remember(path, found);
  const [v, t] = await Promise.all([run(found, VERSION_ARGS), run(found, TRIAL_ARGS)]);
  return remember(path, judge(found, v, t, t.status === 0 ? undefined : await run(found, BASE_TRIAL)));
};

const remember = (path: string, result: SandboxAvailability): SandboxAvailability => {
  cache.set(path, result);
  return result;
};

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
