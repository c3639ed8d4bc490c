import { isAncestor, rebasingBranch, revParse, type GitRunner } from '../git/index.js';
import type { Violation } from './safety.js';

/** Remote-tracking refs (`refs/remotes/...`) and the commit each points at. */
export type RemoteRefs = ReadonlyMap<string, string>;

/** Take before a run starts; `checkWorktreeHistory` compares against it afterwards. */
export async function snapshotRemoteRefs(git: GitRunner, root: string): Promise<RemoteRefs> {
  const out = await git.ok(['for-each-ref', '--format=%(refname)%00%(objectname)', 'refs/remotes/'], { cwd: root });
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [name, sha] = line.split('\0');
    if (name && sha) refs.set(name, sha);
  }
  return refs;
}

export interface CheckHistoryOptions {
  /** Any checkout of the repository. */
  root: string;
  /** The run's worktree. */
  worktree: string;
  /** Commit the run's branch was created from. */
  baseSha: string;
  /** The run's branch, short (`feat/x-E01`) or full (`refs/heads/...`). */
  branch: string;
  /** Snapshot from before the run; without it, pushes are not checked. */
  remoteRefs?: RemoteRefs;
}

/**
 * What the run did to git that it must not: the branch no longer descends from its base (history rewritten), HEAD moved
 * off the branch, or remote-tracking refs appeared or moved (a push to a configured remote updates them). A push to a
 * bare URL leaves no local trace: the turn's tool calls are judged for it (`checkToolCalls`: push, send-pack, http-push
 * in any form), and the sandbox holds no credential that can push. Anything else fetching during the run
 * would also move remote refs: only a moved ref that now holds this run's own commits (reachable from the worktree's HEAD,
 * not from the base) counts as a push from it.
 */
export async function checkWorktreeHistory(git: GitRunner, options: CheckHistoryOptions): Promise<Violation[]> {
  const { root, worktree, baseSha, remoteRefs } = options;
  const short = options.branch.replace(/^refs\/heads\//, '');
  const violations: Violation[] = [];

  // Orch's own rebase of this branch (conflicts handed to the agent) detaches HEAD on top of the new base; the branch
  // ref still names the old head until the rebase finishes. Judge the rebased HEAD then, and do not call it a wrong branch.
  const rebasing = (await rebasingBranch(git, worktree)) === `refs/heads/${short}`;
  const tip = rebasing ? await revParse(git, worktree, 'HEAD') : await revParse(git, root, `refs/heads/${short}`);
  if (tip === undefined) {
    violations.push({ rule: 'branch-missing', detail: `branch ${short} no longer exists (it was created from ${baseSha})` });
  } else if (!(await isAncestor(git, root, baseSha, tip))) {
    violations.push({ rule: 'rewrite-history', detail: `branch ${short} at ${tip} no longer descends from its base ${baseSha}` });
  }

  const head = await git.run(['symbolic-ref', '--quiet', 'HEAD'], { cwd: worktree });
  const headRef = head.exitCode === 0 ? head.stdout.trim() : undefined;
  if (!rebasing && headRef !== `refs/heads/${short}`) {
    const where = headRef ?? `detached at ${(await git.run(['rev-parse', 'HEAD'], { cwd: worktree })).stdout.trim() || 'an unknown commit'}`;
    violations.push({ rule: 'wrong-branch', detail: `HEAD of ${worktree} is ${where}, expected refs/heads/${short}` });
  }

  if (remoteRefs) {
    const now = await snapshotRemoteRefs(git, root);
    const headSha = (await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: worktree })).stdout.trim();
    for (const [name, sha] of now) {
      const before = remoteRefs.get(name);
      if (before === sha) continue;
      // Orch itself moves remote-tracking refs while agents work (other runs push their branches, fetch the
      // target): only a ref that now carries this run's own commits was pushed from this worktree.
      if (!headSha || !(await isAncestor(git, root, sha, headSha)) || (await isAncestor(git, root, sha, baseSha))) continue;
      violations.push({ rule: 'push', detail: before === undefined ? `new remote ref ${name} at ${sha}` : `remote ref ${name} moved from ${before} to ${sha}` });
    }
  }
  return violations;
}
