import { GitError, type GitRunner } from '../git/index.js';

export interface PushBranchOptions {
  /** Default `origin`. */
  remote?: string;
  branch: string;
  /** Rewrite the remote branch only if it still is what we last saw (`expect`, or our remote-tracking ref). */
  force?: 'with-lease';
  expect?: string;
  timeoutMs?: number;
  /** Which secret variables git may see (the forge host's token variables, see `remoteMayGetCredentials`). Default none. */
  credentials?: boolean | readonly string[];
}

export type PushResult =
  | { ok: true; sha: string; updated: boolean }
  | { ok: false; reason: 'rejected' | 'stale-lease' | 'no-branch'; detail: string };

/**
 * Pushes `refs/heads/<branch>` to the same name on `remote`. Idempotent: an up-to-date remote is success.
 * Credentials come from git's own helpers or ssh agent, never from argv; the token variables reach git only with
 * `credentials`.
 */
export async function pushBranch(git: GitRunner, root: string, options: PushBranchOptions): Promise<PushResult> {
  const remote = options.remote ?? 'origin';
  const ref = `refs/heads/${options.branch}`;
  const local = await git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root });
  const sha = local.stdout.trim();
  if (local.exitCode !== 0 || !sha) return { ok: false, reason: 'no-branch', detail: `branch ${options.branch} does not exist in ${root}` };

  const args = ['push', '--porcelain'];
  if (options.force === 'with-lease') args.push(options.expect ? `--force-with-lease=${ref}:${options.expect}` : `--force-with-lease=${ref}`);
  args.push('--', remote, `${ref}:${ref}`);
  const r = await git.run(args, { cwd: root, credentials: options.credentials ?? false, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });

  // --porcelain: one `<flag>\t<from>:<to>\t<summary>` line per ref; `=` up to date, `!` rejected.
  const line = r.stdout.split('\n').find((l) => l.includes(`\t${ref}:${ref}\t`));
  const flag = line?.[0];
  if (r.exitCode === 0 && line) return { ok: true, sha, updated: flag !== '=' };
  if (flag === '!') {
    const summary = line?.split('\t')[2] ?? '';
    return /stale info/.test(summary)
      ? { ok: false, reason: 'stale-lease', detail: `${remote}/${options.branch} moved since it was last fetched: ${summary}` }
      : { ok: false, reason: 'rejected', detail: `${remote} rejected ${options.branch}: ${summary}${r.stderr.trim() ? `\n${r.stderr.trim()}` : ''}` };
  }
  throw new GitError(r);
}
