import { readFileSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join, posix } from 'node:path';
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
  files: Map<string, { stamp: string; content: string }>;
  /** Parsed epics by file, reused while the content is the same string. */
  parsed: Map<string, { content: string; value: unknown }>;
}

export const createPlanFileCache = (): PlanFileCache => ({ files: new Map(), parsed: new Map() });

/**
 * Lists module folders (concurrently) and reads their overview and epic files (in batches). Folders starting with `.` and
 * folders with neither are skipped. A file that looks like an epic but is not named `epic-NN-<slug>.md` is a
 * `bad_filename` warning.
 */
export async function readModuleFolders(absDir: string, relDir: string, cache?: PlanFileCache): Promise<{ folders: ModuleFolder[]; issues: PlanIssue[] }> {
  const issues: PlanIssue[] = [];
  const entries = await readdir(absDir, { withFileTypes: true });
  const dirs = (await Promise.all(entries.map(async (e) => ((await isDirectory(absDir, e)) ? e.name : undefined))))
    .filter((name): name is string => name !== undefined && !name.startsWith('.'))
    .sort();
  const listings = await Promise.all(dirs.map((folder) => readdir(join(absDir, folder), { withFileTypes: true })));

  const folders: ModuleFolder[] = [];
  const reads: { folder: ModuleFolder; name: string; epic?: number }[] = [];
  dirs.forEach((folder, i) => {
    const entry: ModuleFolder = { folder, dir: posix.join(relDir, folder), epics: [] };
    for (const file of listings[i]!) {
      if (!file.isFile() && !file.isSymbolicLink()) continue;
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

  const contents = await readBatched(reads.map((r) => join(absDir, r.folder.folder, r.name)), cache);
  reads.forEach((r, i) => {
    const content = contents[i]!;
    if (r.epic === undefined) r.folder.overview = content;
    else r.folder.epics.push({ file: posix.join(r.folder.dir, r.name), epic: r.epic, content });
  });
  for (const folder of folders) folder.epics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { folders: folders.filter((f) => f.overview !== undefined || f.epics.length > 0), issues };
}

async function isDirectory(parent: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return (await stat(join(parent, entry.name))).isDirectory();
  } catch {
    return false;
  }
}

async function readBatched(paths: readonly string[], cache?: PlanFileCache): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < paths.length; i += READ_BATCH) {
    if (i > 0) await nextTurn();
    for (const path of paths.slice(i, i + READ_BATCH)) out.push(cache ? readCached(path, cache) : readFileSync(path, 'utf8'));
  }
  if (cache && cache.files.size > paths.length) {
    const live = new Set(paths);
    for (const path of cache.files.keys()) if (!live.has(path)) cache.files.delete(path);
  }
  return out;
}

function readCached(path: string, cache: PlanFileCache): string {
  const st = statSync(path, { bigint: true });
  const stamp = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  const hit = cache.files.get(path);
  if (hit?.stamp === stamp) return hit.content;
  const content = readFileSync(path, 'utf8');
  cache.files.set(path, { stamp, content });
  return content;
}

/** The file if it exists, undefined if it does not. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
}
