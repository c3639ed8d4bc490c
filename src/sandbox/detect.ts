/**
 * Whether bubblewrap can contain agents on this machine: the binary on PATH, and a trial run (user namespaces
 * may be off, or AppArmor may refuse them). Checked once per process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type SandboxAvailability = { ok: true; bwrap: string; version: string } | { ok: false; reason: string; fix: string };

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

const probe = (path: string): SandboxAvailability => {
  if (process.platform !== 'linux') return { ok: false, reason: `bubblewrap needs Linux (this is ${process.platform})`, fix: 'run Orch on Linux, or accept agents without OS containment with [sandbox] mode = "off"' };
  const bwrap = findBwrap(path);
  if (!bwrap) return { ok: false, reason: 'bwrap is not on PATH', fix: INSTALL };
  const v = spawnSync(bwrap, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = /[\d.]+/.exec(v.stdout ?? '')?.[0] ?? 'unknown';
  const t = spawnSync(bwrap, ['--die-with-parent', '--unshare-pid', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (t.status !== 0) {
    const why = (t.stderr ?? '').trim() || t.error?.message || `exit code ${String(t.status)}`;
    return {
      ok: false,
      reason: `${bwrap} cannot create a sandbox here: ${why}`,
      fix: 'allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 an AppArmor profile for bwrap, or kernel.apparmor_restrict_unprivileged_userns=0), or run the daemon where bwrap works',
    };
  }
  return { ok: true, bwrap, version };
};
