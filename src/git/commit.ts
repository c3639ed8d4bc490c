import { argSafe, revParse } from './refs.js';
import { GitError, type CommitAllResult, type GitRunner, type Identity } from './types.js';

/** `-c` flags for every commit Orch makes: signing would need a key and could prompt. */
export const NO_SIGN = ['-c', 'commit.gpgsign=false'];

export function identityEnv(committer: Identity, author: Identity = committer): NodeJS.ProcessEnv {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

/** Appends `Key: value` trailers, joining an existing trailer block instead of starting a second one. */
export function withTrailers(message: string, trailers: Record<string, string> = {}): string {
  const body = message.trimEnd();
  const lines = Object.entries(trailers).map(([key, value]) => {
    if (!/^[A-Za-z0-9-]+$/.test(key)) throw new Error(`invalid trailer key "${key}": use letters, digits and "-"`);
    if (/[\r\n]/.test(value)) throw new Error(`invalid value for trailer "${key}": must be a single line`);
    return `${key}: ${value}`;
  });
  if (lines.length === 0) return `${body}\n`;
  const paragraphs = body.split(/\n\s*\n/);
  const last = paragraphs.length > 1 ? paragraphs[paragraphs.length - 1] : undefined;
  const lastIsTrailers = last !== undefined && last.split('\n').every((line) => /^[A-Za-z0-9-]+: /.test(line));
  return `${body}${lastIsTrailers ? '\n' : '\n\n'}${lines.join('\n')}\n`;
}

export interface CommitTreeOptions {
  tree: string;
  parents: string[];
  message: string;
  author?: Identity;
}

export async function commitTree(git: GitRunner, root: string, options: CommitTreeOptions): Promise<string> {
  const parents = options.parents.flatMap((p) => ['-p', argSafe(p, 'parent')]);
  const out = await git.ok([...NO_SIGN, 'commit-tree', '--no-gpg-sign', argSafe(options.tree, 'tree'), ...parents, '-F', '-'], {
    cwd: root,
    input: options.message,
    env: identityEnv(git.identity, options.author),
  });
  return out.trim();
}

export interface CommitAllOptions {
  author?: Identity;
  trailers?: Record<string, string>;
  /** Run the pre-commit and commit-msg hooks. Default false: a daemon cannot answer an interactive hook. */
  verify?: boolean;
}

/** Stages everything in the worktree (honouring .gitignore) and commits it if anything changed. */
export async function commitAll(git: GitRunner, worktreePath: string, message: string, options: CommitAllOptions = {}): Promise<CommitAllResult> {
  const cwd = worktreePath;
  await git.ok(['add', '-A'], { cwd });
  const diff = await git.run(['diff', '--cached', '--quiet'], { cwd });
  if (diff.exitCode !== 0 && diff.exitCode !== 1) throw new GitError(diff);
  const head = await revParse(git, cwd, 'HEAD');
  if (diff.exitCode === 0 && head) return { committed: false, sha: head };
  await git.ok(
    [...NO_SIGN, 'commit', '--quiet', '--no-gpg-sign', ...(options.verify ? [] : ['--no-verify']), ...(head ? [] : ['--allow-empty']), '-F', '-'],
    { cwd, input: withTrailers(message, options.trailers), env: identityEnv(git.identity, options.author) },
  );
  const sha = await revParse(git, cwd, 'HEAD');
  if (!sha) throw new Error(`commit in ${worktreePath} left no HEAD`);
  return { committed: true, sha };
}
