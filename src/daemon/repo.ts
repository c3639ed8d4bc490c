import { existsSync } from 'node:fs';
import * as g from '../git/index.js';
import type { GitRunner } from '../git/index.js';
import type { RepoPort } from '../engine/index.js';
import { checkWorktreeHistory, snapshotRemoteRefs } from '../resilience/index.js';

/** Plan status commits Orch makes on a run's branch; regenerated after a rebase rather than resolved. */
const isPlanCommit = (subject: string): boolean => subject.startsWith('chore(plan): ');

/**
 * Binds the git layer to one repository for the engine. `remoteCredentials` says which secret variables git may
 * see when it asks a remote for its refs (the forge token, for the forge's own host only).
 */
export function createRepoPort(git: GitRunner, root: string, o: { remoteCredentials?: (remote: string) => Promise<boolean | readonly string[]> } = {}): RepoPort {
  const remoteCredentials = o.remoteCredentials ?? (async () => false);
  return {
    root,
    revParse: (ref) => g.revParse(git, root, ref),
    branchExists: (name) => g.branchExists(git, root, name),
    isAncestor: (a, b) => g.isAncestor(git, root, a, b),
    async ensureWorktree({ path, branch, base }) {
      await g.ensureWorktree(git, root, { path, branch, base });
    },
    async worktreeExists(path) {
      if (!existsSync(path)) return false;
      const list = await g.listWorktrees(git, root);
      return (await g.findWorktree(list, path)) !== undefined;
    },
    async commitAll(path, message) {
      const r = await g.commitAll(git, path, message);
      return { committed: r.committed, sha: r.sha };
    },
    async squashMerge(o) {
      const r = await g.squashMerge(git, root, o);
      return r.ok ? { ok: true, commit: r.commit, empty: r.empty } : r;
    },
    async commitFilesOnto(o) {
      const r = await g.commitFilesOnto(git, root, o);
      return r.commit;
    },
    advanceBranch: (o) => g.advanceBranch(git, root, o),
    findTrailer: (branch, key, value) => g.containsCommitWithTrailer(git, root, branch, key, value, { limit: 500 }),
    readFileAt: (ref, path) => g.readFileAt(git, root, ref, path),
    async uncommittedFiles(dir) {
      const prefix = dir.replace(/\/+$/, '') + '/';
      return (await g.statusPorcelain(git, root)).filter((e) => !e.ignored && e.path.startsWith(prefix)).map((e) => e.path);
    },
    async checkoutOf(branch) {
      const holder = (await g.listWorktrees(git, root)).find((w) => w.branch === `refs/heads/${branch}` && !w.prunable && !w.bare);
      if (!holder || !existsSync(holder.path)) return undefined;
      return { path: holder.path, dirty: (await g.statusPorcelain(git, holder.path, { untracked: 'no' })).map((e) => e.path) };
    },
    rebase: (worktree, onto) => g.startRebase(git, worktree, onto, { skipOnConflict: isPlanCommit }),
    continueRebase: (worktree) => g.continueRebase(git, worktree, { skipOnConflict: isPlanCommit }),
    rebasing: async (worktree) => existsSync(worktree) && (await g.rebasingBranch(git, worktree)) !== undefined,
    abortRebase: (worktree) => g.abortRebase(git, worktree),
    async conflictMarkers(worktree) {
      await git.run(['add', '-A'], { cwd: worktree });
      const r = await git.run(['grep', '--cached', '-l', '-E', '^(<<<<<<<|>>>>>>>)( |$)'], { cwd: worktree });
      return r.exitCode === 0 ? r.stdout.split('\n').filter(Boolean) : [];
    },
    async changedFiles(worktree, base) {
      if (!existsSync(worktree)) return [];
      const diff = await git.run(['diff', '--name-only', '--no-renames', '-z', base, '--'], { cwd: worktree });
      const untracked = await git.run(['ls-files', '--others', '--exclude-standard', '-z'], { cwd: worktree });
      return [...new Set([...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter(Boolean))];
    },
    async restoreWorktree(worktree) {
      await git.ok(['reset', '--quiet', '--hard', 'HEAD'], { cwd: worktree });
      await git.ok(['clean', '-fdq'], { cwd: worktree });
    },
    diff: (base, head) => git.ok(['diff', '--find-renames', '--no-color', '--no-ext-diff', base, head, '--'], { cwd: root }),
    async saveRef(ref, sha) {
      await g.saveRef(git, root, ref, sha);
    },
    async removeWorktree(path) {
      const r = await g.removeWorktree(git, root, path, { force: false });
      return r.ok ? { ok: true } : { ok: false, reason: `${r.reason}: ${r.detail}` };
    },
    async deleteBranch(name) {
      await g.deleteBranch(git, root, name, { force: true });
    },
    reapOrphanWorktrees: (dir, owned) => g.reapOrphanWorktrees(git, root, dir, owned),
    snapshotRemoteRefs: () => snapshotRemoteRefs(git, root, { remotes: remoteCredentials, timeoutMs: 10_000 }),
    checkHistory: ({ worktree, baseSha, branch, remoteRefs }) => checkWorktreeHistory(git, { root, worktree, baseSha, branch, remoteRefs, remoteCredentials }),
    async repair() {
      await git.run(['worktree', 'prune'], { cwd: root });
      await this.clearStaleLocks();
    },
    async clearStaleLocks() {
      // Only Orch's own worktrees: a lock in the user's checkout may belong to a git they are running right now.
      for (const w of await g.listWorktrees(git, root)) if (w.path !== root) await g.clearStaleLocks(git, w.path, 60_000);
    },
  };
}
