import { lstatSync, statSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join, posix, sep } from 'node:path';
import { followLink, MAX_EPIC_BYTES, MAX_PLAN_FILE_BYTES, readPlanFileSafely } from './safe-read.js';
import type { PlanIssue } from './types.js';

export const EPIC_FILE = /^epic-(\d+)(?:-.*)?\.md$/i;
const EPIC_LIKE = /^epic(?![a-z])/i;
export const OVERVIEW_FILE = '00-overview.md';

export interface ModuleFolder {
  folder: string;
  /** Repo-relative posix path. */
  dir: string;
  overview?: string;
  epics: { file: string; epic: number; content: string }[];
}

/**
 * PERF: epic files are small and many, so the cost is per call, not per byte. Reading the 5,050 files of a
 * 50 x 100 plan on 2 busy cores: fs/promises readFile 64 at a time 270-370 ms, callback readFile 190-255 ms,
 * readFileSync 35-55 ms. So files are read synchronously in batches, yielding to the event loop between
 * batches; a batch blocks for about 2 ms, and one fd is open at a time.
 */
const READ_BATCH = 200;

/**
 * What the last read of each file found, so a sync with nothing changed stats the files instead of reading them
 * (issue 12: `orch sync` within 2x of reading the files). A file counts as unchanged while its inode, size, mtime
 * and ctime (nanoseconds) are, which is the test git's index makes.
 */
export interface PlanFileCache {
  files: Map<string, { stamp: string; content: string; read?: Read }>;
  /** Parsed epics by file, reused while the content is the same string. */
  parsed: Map<string, { content: string; value: unknown }>;
  /** The last whole plan and what it was made of: read again unchanged, it is the answer (see ./parse.ts). */
  plan?: { inputs: readonly string[]; value: unknown };
}

export const createPlanFileCache = (): PlanFileCache => ({ files: new Map(), parsed: new Map() });

/**
 * Lists module folders (concurrently) and reads their overview and epic files (in batches). Folders starting with `.` and
 * folders with neither are skipped. A file that looks like an epic but is not named `epic-NN-<slug>.md` is a
 * `bad_filename` warning. `root` is the repository's real path: only regular files inside it are read (see
 * ./safe-read.ts); any other epic, overview or module folder is an error naming it.
 */
export async function readModuleFolders(absDir: string, relDir: string, root: string, cache?: PlanFileCache): Promise<{ folders: ModuleFolder[]; issues: PlanIssue[] }> {
  const issues: PlanIssue[] = [];
  const entries = await readdir(absDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => !e.name.startsWith('.') && isDirectory(absDir, relDir, root, e, issues))
    .map((e) => e.name)
    .sort();
  const listings = await Promise.all(dirs.map((folder) => readdir(join(absDir, folder), { withFileTypes: true })));

  const folders: ModuleFolder[] = [];
  const reads: { folder: ModuleFolder; name: string; epic?: number }[] = [];
  dirs.forEach((folder, i) => {
    const entry: ModuleFolder = { folder, dir: posix.join(relDir, folder), epics: [] };
    for (const file of listings[i]!) {
      // Every entry that is named like a plan file is read (and refused there when it is not a regular file).
      if (file.isDirectory()) continue;
      if (file.name === OVERVIEW_FILE) {
        reads.push({ folder: entry, name: file.name });
        continue;
      }
      const match = EPIC_FILE.exec(file.name);
      const epic = match ? Number(match[1]) : undefined;
      if (epic !== undefined && Number.isSafeInteger(epic)) reads.push({ folder: entry, name: file.name, epic });
      else if (EPIC_LIKE.test(file.name) && file.name.toLowerCase().endsWith('.md')) {
        issues.push({
          severity: 'warning',
          code: 'bad_filename',
          file: posix.join(entry.dir, file.name),
          line: 1,
          message: `\`${file.name}\` looks like an epic but is not named epic-NN-<slug>.md, so it is ignored`,
          fix: 'rename it to epic-<number>-<slug>.md, e.g. epic-05-invoicing.md',
        });
      }
    }
    folders.push(entry);
  });

  // PERF: a directory entry's name has no `/` and is never `.` or `..`, and absDir and each folder's dir are normal
  // already: plain concatenation is path.join's answer without its 3 MB of garbage per sync of 2,000 epics (issue 12).
  const base = new Map(folders.map((f) => [f, { abs: `${absDir === sep ? '' : absDir}${sep}${f.folder}${sep}`, rel: `${f.dir}/` }]));
  const contents = await readBatched(reads.map((r) => ({ path: base.get(r.folder)!.abs + r.name, limit: r.epic === undefined ? MAX_PLAN_FILE_BYTES : MAX_EPIC_BYTES })), root, cache);
  reads.forEach((r, i) => {
    const read = contents[i]!;
    const file = base.get(r.folder)!.rel + r.name;
    if (!read.ok) issues.push({ severity: 'error', code: read.code, file, line: 0, message: `${r.name} ${read.message}`, fix: read.fix });
    else if (r.epic === undefined) r.folder.overview = read.content;
    else r.folder.epics.push({ file, epic: r.epic, content: read.content });
  });
  for (const folder of folders) folder.epics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { folders: folders.filter((f) => f.overview !== undefined || f.epics.length > 0), issues };
}

/** A module folder: a directory, or a link to one inside the repository (a link elsewhere is an error naming it). */
function isDirectory(parent: string, relDir: string, root: string, entry: Dirent, issues: PlanIssue[]): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  const followed = followLink(join(parent, entry.name), root);
  if (followed.ok) return statSync(followed.real).isDirectory();
  // Only a link to a folder would be a module; other entries of the plans folder (README.md) are read on their own.
  if (followed.reason !== 'outside' || !isDirectoryPath(join(parent, entry.name))) return false;
  issues.push({ severity: 'error', code: followed.code, file: posix.join(relDir, entry.name), line: 0, message: `${entry.name} ${followed.message}`, fix: followed.fix });
  return false;
}

function isDirectoryPath(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

type Read = ReturnType<typeof readPlanFileSafely>;

async function readBatched(files: readonly { path: string; limit: number }[], root: string, cache?: PlanFileCache): Promise<Read[]> {
  const out: Read[] = [];
  for (let i = 0; i < files.length; i += READ_BATCH) {
    if (i > 0) await nextTurn();
    for (const { path, limit } of files.slice(i, i + READ_BATCH)) out.push(readCached(path, root, limit, cache));
  }
  if (cache && cache.files.size > files.length) {
    const live = new Set(files.map((f) => f.path));
    for (const path of cache.files.keys()) if (!live.has(path)) cache.files.delete(path);
  }
  return out;
}

function readCached(path: string, root: string, limit: number, cache?: PlanFileCache): Read {
  const hit = cache?.files.get(path);
  const read = readPlanFileSafely(path, root, limit, hit?.stamp);
  if (!read.ok) {
    cache?.files.delete(path);
    return read;
  }
  if (hit && read.stamp === hit.stamp) return (hit.read ??= { ok: true, content: hit.content });
  if (cache && read.stamp) cache.files.set(path, { stamp: read.stamp, content: read.content });
  else cache?.files.delete(path);
  return read;
}

/** The file if it exists, undefined if it does not; a file Orch may not read (a link out, a FIFO, too big) is an error. */
export function readOptionalPlanFile(path: string, root: string): Read | undefined {
  try {
    lstatSync(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  return readPlanFileSafely(path, root, MAX_PLAN_FILE_BYTES);
}
