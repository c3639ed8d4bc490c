import { isAncestor, rebasingBranch, revParse, type GitRunner } from '../git/index.js';
import type { Violation } from './safety.js';

/**
 * Remote-tracking refs (`refs/remotes/...`) and the commit each points at; with `remotes`, also each configured
 * remote's own refs as `git ls-remote` sees them, keyed `<remote>\t<ref>`, and `<remote>\t` for a remote that answered.
 */
export type RemoteRefs = ReadonlyMap<string, string>;

export interface SnapshotOptions {
  /**
   * Ask every configured remote for its refs too: inside the sandbox the shared `.git` is read-only, so a push that
   * got through moves no remote-tracking ref, and only the remote itself can tell. The value says which secret
   * variables git may see for that remote (the forge token for the forge's own host), as for a fetch.
   */
  remotes?: (remote: string) => Promise<boolean | readonly string[]>;
  /** How long one remote may take to answer; one that does not is left out of the comparison. */
  timeoutMs?: number;
}

/** Take before a run starts; `checkWorktreeHistory` compares against it afterwards. */
export async function snapshotRemoteRefs(git: GitRunner, root: string, o: SnapshotOptions = {}): Promise<RemoteRefs> {
  const out = await git.ok(['for-each-ref', '--format=%(refname)%00%(objectname)', 'refs/remotes/'], { cwd: root });
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [name, sha] = line.split('\0');
    if (name && sha) refs.set(name, sha);
  }
  if (!o.remotes) return refs;
  const names = (await git.run(['remote'], { cwd: root })).stdout.split('\n').map((n) => n.trim()).filter(Boolean);
  await Promise.all(
    names.map(async (remote) => {
      const credentials = await o.remotes!(remote);
      const r = await git.run(['ls-remote', '--quiet', '--', remote], { cwd: root, credentials, timeoutMs: o.timeoutMs ?? 20_000, env: { GIT_TERMINAL_PROMPT: '0' } });
      if (r.exitCode !== 0) return;
      refs.set(`${remote}\t`, '');
      for (const line of r.stdout.split('\n')) {
        const [sha, name] = line.split('\t');
        if (sha && name && !name.endsWith('^{}')) refs.set(`${remote}\t${name}`, sha);
      }
    }),
  );
  return refs;
}

/** The commit has history no local ref holds: it was made in a worktree and never committed to a branch (by Orch). */
async function unreachableLocally(git: GitRunner, root: string, sha: string): Promise<boolean> {
  const r = await git.run(['rev-list', '-n', '1', sha, '--not', '--all'], { cwd: root });
  return r.exitCode === 0 && r.stdout.trim() !== '';
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
  /** As `SnapshotOptions.remotes`, for asking the remotes again when the snapshot holds their refs. */
  remoteCredentials?: (remote: string) => Promise<boolean | readonly string[]>;
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
    const now = await snapshotRemoteRefs(git, root, remoteRefs.size > 0 && [...remoteRefs.keys()].some((k) => k.includes('\t')) ? { remotes: options.remoteCredentials ?? (async () => false) } : {});
    const headSha = (await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: worktree })).stdout.trim();
    for (const [name, sha] of now) {
      const before = remoteRefs.get(name);
      if (before === sha || sha === '') continue;
      const tab = name.indexOf('\t');
      // A remote that did not answer before the turn has nothing to compare with.
      if (tab >= 0 && !remoteRefs.has(name.slice(0, tab + 1))) continue;
      // Orch itself moves remote-tracking refs while agents work (other runs push their branches, fetch the
      // target), and people push to the remote: only a ref that now carries this run's own commits (on its HEAD, or
      // made in a worktree and held by no local ref, as a commit the sandbox could not put on its branch) was
      // pushed from this worktree.
      // A commit this repository does not have was not made here (someone else pushed it).
      if (tab >= 0 && (await git.run(['cat-file', '-e', `${sha}^{commit}`], { cwd: root })).exitCode !== 0) continue;
      const ours =
        (headSha !== '' && (await isAncestor(git, root, sha, headSha)) && !(await isAncestor(git, root, sha, baseSha))) ||
        (await unreachableLocally(git, root, sha));
      if (!ours) continue;
      const shown = tab >= 0 ? `${name.slice(tab + 1)} on remote ${name.slice(0, tab)}` : `remote ref ${name}`;
      violations.push({ rule: 'push', detail: before === undefined ? `new ${shown} at ${sha}` : `${shown} moved from ${before} to ${sha}` });
    }
  }
  return violations;
}
