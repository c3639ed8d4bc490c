import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import type { BigIntStats, Stats } from 'node:fs';
import { relative, sep } from 'node:path';

/**
 * Plan files are untrusted input (they come with a clone, a branch, an agent's commit): Orch reads only regular
 * files inside the repository, and only up to a size. A symlink out of the repository (a `.env`, `/etc/passwd`),
 * to `/dev/zero`, a FIFO (which would hang the read), a socket, a dangling link or a link loop is refused per
 * file, with what to do, and the daemon goes on.
 */

/**
 * An epic becomes an agent's prompt, its PR body and a row of the store: beyond this it is refused at sync. 128 KB is
 * also the most one argv string may hold on Linux (MAX_ARG_STRLEN), so no path that still passes it as an argument breaks.
 */
export const MAX_EPIC_BYTES = 128 * 1024;
/** Any other plan file (README with the status tables, overviews). */
export const MAX_PLAN_FILE_BYTES = 4 * 1024 * 1024;

export type SafeRead =
  | { ok: true; content: string; stamp?: string }
  | { ok: false; code: 'unsafe_file' | 'too_large'; message: string; fix: string };

const KIB = 1024;
const size = (bytes: number): string => `${Math.ceil(bytes / KIB)} KB`;

/** The kind of a file that is not a regular one, for messages. */
export function fileKind(st: Stats | BigIntStats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** Whether `path` (a real path) is `root` (a real path) or inside it. */
export function insideRoot(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

const REPLACE = 'replace it with a regular file inside the repository (a copy, not a link), or remove it';

/**
 * Where a link leads, when that is a place Orch may read: inside `root` (a real path). A dangling link, a loop
 * or a link out of the repository is a refusal.
 */
export function followLink(path: string, root: string): { ok: true; real: string } | (Extract<SafeRead, { ok: false }> & { reason: 'outside' | 'unfollowable' }) {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ELOOP' ? 'a symbolic link loop' : code === 'ENOENT' ? 'a symbolic link to nothing (dangling)' : `a symbolic link that cannot be followed (${code ?? 'error'})`;
    return { ok: false, code: 'unsafe_file', reason: 'unfollowable', message: `is ${why}, so it is not read`, fix: REPLACE };
  }
  if (!insideRoot(root, real)) {
    return { ok: false, code: 'unsafe_file', reason: 'outside', message: `leads to ${real}, outside the repository, so it is not read`, fix: REPLACE };
  }
  return { ok: true, real };
}

/**
 * Reads a plan file if it is a regular file inside `root` (a real path) of at most `limit` bytes. `known` is the
 * stamp of an earlier read: when the file still has it, `{ ok: true, content: '', stamp: known }` comes back
 * unread (the caller keeps the content). The file is opened non-blocking and checked again on the open descriptor, so
 * one swapped for a FIFO or a device between the check and the read is refused too.
 */
export function readPlanFileSafely(path: string, root: string, limit: number, known?: string): SafeRead {
  // PERF: a file never read before is opened straight away (O_NOFOLLOW says whether it is a link): open, fstat,
  // read, close, for the 2,000 epics of a first sync (issue 12). A file read before is only lstat'ed.
  if (known === undefined) {
    const fd = openPlanFile(path, false);
    if (typeof fd === 'number') return readOpen(fd, limit, false);
    if (fd.code !== 'ELOOP') return { ok: false, code: 'unsafe_file', message: `cannot be read (${fd.code})`, fix: 'check that the file exists and is readable' };
  }
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (cause) {
    return { ok: false, code: 'unsafe_file', message: `cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, fix: 'check that the file exists and is readable' };
  }
  const link = st.isSymbolicLink();
  // PERF: an unchanged regular file is only lstat'ed (issue 12); a FIFO or device put in its place has another inode.
  if (!link && st.isFile() && known !== undefined && stampOf(st) === known) return { ok: true, content: '', stamp: known };
  let target = path;
  if (link) {
    const followed = followLink(path, root);
    if (!followed.ok) return followed;
    target = followed.real;
  }
  const fd = openPlanFile(target, link);
  if (typeof fd !== 'number') {
    if (fd.code === 'ELOOP') return { ok: false, code: 'unsafe_file', message: 'became a symbolic link while it was read, so it is not read', fix: 'sync again' };
    return { ok: false, code: 'unsafe_file', message: `cannot be read (${fd.code})`, fix: 'check that the file is readable' };
  }
  return readOpen(fd, limit, link);
}

/** O_NONBLOCK: opening a FIFO with no writer would otherwise block the daemon's thread forever. */
function openPlanFile(path: string, followLinks: boolean): number | { code: string } {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW));
  } catch (cause) {
    return { code: (cause as NodeJS.ErrnoException).code ?? String(cause) };
  }
}

/** Checks what the descriptor is (a regular file, at most `limit` bytes), reads it and closes it. */
function readOpen(fd: number, limit: number, link: boolean): SafeRead {
  try {
    const open = fstatSync(fd);
    if (!open.isFile()) return { ok: false, code: 'unsafe_file', message: `is ${fileKind(open)}, not a regular file, so it is not read`, fix: REPLACE };
    if (open.size > limit) {
      return { ok: false, code: 'too_large', message: `is ${size(open.size)}, over the ${size(limit)} a plan file may have, so it is not read`, fix: 'split it into smaller epics (one task each), or move long material to a file the epic links to' };
    }
    // Links are never cached: their target can change while the link itself does not.
    const stamp = link ? undefined : stampOf(open);
    return { ok: true, content: readAll(fd, Number(open.size), limit), ...(stamp ? { stamp } : {}) };
  } finally {
    closeSync(fd);
  }
}

/**
 * A file counts as unchanged while its inode, size, mtime and ctime are, which is the test git's index makes. PERF:
 * the times as Node's doubles (milliseconds, exact to a quarter of a microsecond), not BigInt nanoseconds: a
 * BigInt lstat costs twice the time and memory of a plain one, for each of 2,000 epics at every sync (issue 12).
 */
const stampOf = (st: Stats): string => `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

/** Reads at most `limit` bytes: a file that grows while it is read does not take the daemon's memory with it. */
function readAll(fd: number, expected: number, limit: number): string {
  const buf = Buffer.allocUnsafe(Math.min(limit, Math.max(expected, 0)) + 1);
  let length = 0;
  while (length < buf.length) {
    const want = buf.length - length;
    const n = readSync(fd, buf, length, want, null);
    length += n;
    // A short read of a regular file is its end: no further read to be told so (issue 12).
    if (n < want) break;
  }
  return buf.subarray(0, Math.min(length, limit)).toString('utf8');
}
