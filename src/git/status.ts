import type { GitRunner, StatusEntry } from './types.js';

export interface StatusOptions {
  /** `all` lists every untracked file, `normal` collapses untracked directories, `no` omits them. Default `all`. */
  untracked?: 'all' | 'normal' | 'no';
}

/** Parses `git status --porcelain=v1 -z`: `XY path\0`, with the source path following renames and copies. */
export function parseStatusZ(out: string): StatusEntry[] {
  const fields = out.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === undefined || field.length < 4) continue;
    const index = field.charAt(0);
    const worktree = field.charAt(1);
    const entry: StatusEntry = {
      path: field.slice(3),
      index,
      worktree,
      untracked: index === '?',
      ignored: index === '!',
    };
    if (index === 'R' || index === 'C' || worktree === 'R' || worktree === 'C') {
      const orig = fields[++i];
      if (orig !== undefined) entry.origPath = orig;
    }
    entries.push(entry);
  }
  return entries;
}

export async function statusPorcelain(git: GitRunner, worktreePath: string, options: StatusOptions = {}): Promise<StatusEntry[]> {
  const out = await git.ok(['status', '--porcelain=v1', '-z', `--untracked-files=${options.untracked ?? 'all'}`], {
    cwd: worktreePath,
    // Without this, status refreshes and rewrites the index of a checkout the user may be working in.
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  return parseStatusZ(out);
}

export async function isClean(git: GitRunner, worktreePath: string, options: { ignoreUntracked?: boolean } = {}): Promise<boolean> {
  const entries = await statusPorcelain(git, worktreePath, { untracked: options.ignoreUntracked ? 'no' : 'normal' });
  return entries.length === 0;
}
