/** `billing-module` -> `billing`: the module a folder (or a `module:` value) names. */
export function moduleName(folderOrName: string): string {
  const trimmed = folderOrName.trim();
  const stripped = trimmed.replace(/-module$/i, '');
  return stripped === '' ? trimmed : stripped;
}

/** What a module name may be: it ends up in ids, branch names and worktree paths. */
export const MODULE_NAME = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;

export function isModuleName(name: string): boolean {
  return MODULE_NAME.test(name) && !name.includes('..');
}

/** The case-insensitive key two spellings of one module share. */
export function moduleKey(name: string): string {
  return moduleName(name).toLowerCase();
}

/** `billing`, 5 -> `billing/E05`. */
export function formatTaskId(module: string, epic: number): string {
  return `${module}/E${String(epic).padStart(2, '0')}`;
}

/** The key under which `billing/E1`, `Billing-Module/E001` and `billing/E01` all meet. */
export function taskKey(module: string, epic: number): string {
  return `${moduleKey(module)}/${epic}`;
}

/** A reference to a task as written by a person; `module` absent means "the module of the file it is in". */
export interface TaskRef {
  module?: string;
  epic: number;
}

const REF = /^(?:([A-Za-z][\w.-]*)\s*\/\s*)?(?:E|Epic\s*)?(\d{1,9})$/i;

/**
 * `billing/E01`, `billing/E1`, `billing-module/E01`, `billing/01`, `E03`, `3` -> a TaskRef.
 * Anything else (a bare module name, a path) is undefined.
 */
export function parseTaskRef(text: string): TaskRef | undefined {
  const match = REF.exec(text.trim());
  if (!match) return undefined;
  const epic = Number(match[2]);
  return match[1] === undefined ? { epic } : { module: match[1], epic };
}

/** Levenshtein distance, two rows. Inputs here are ids and module names, so short. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate nearest to `word` by edit distance (ties: the first), or undefined when there are none. */
export function closest(word: string, candidates: Iterable<string>): { value: string; distance: number } | undefined {
  let best: { value: string; distance: number } | undefined;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { value: candidate, distance };
  }
  return best;
}

/**
 * A title without an `Epic 03:` / `E03 -` prefix that repeats the epic's own number (`Epic 03: Persistence` of
 * epic 3 is `Persistence`), so commits, tables and pull requests do not say it twice. Another number stays.
 */
export function titleWithoutEpicPrefix(title: string, epic: number): string {
  const m = /^\s*(?:epic\s*|e)0*(\d+)\s*(?:[:.\-\u2013\u2014]\s*|\s+(?=\S))/i.exec(title);
  if (!m || Number(m[1]) !== epic) return title;
  const rest = title.slice(m[0].length).trim();
  return rest === '' ? title : rest;
}
