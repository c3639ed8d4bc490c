// Test helper: real repositories in temporary directories. Not exported from index.ts.
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createGit, type Git } from './git.js';

export const TEST_IDENTITY = { name: 'Orch Test', email: 'test@orch.invalid' };

export interface TempRepo {
  /** Temporary directory holding the repository (at `root`) and anything else a test needs beside it. */
  dir: string;
  /** Checkout of the repository: `<dir>/repo`. */
  root: string;
  /** Runner with HOME pointed into `dir`, so the user's global git config cannot leak in. */
  git: Git;
  /** The initial commit. */
  head: string;
  /** Writes files (relative to `root`, or to `cwd` when given), creating directories. */
  write(files: Record<string, string>, cwd?: string): Promise<void>;
  /** Stages everything in `cwd` (default `root`) and commits; returns the new HEAD. */
  commit(message: string, files?: Record<string, string>, cwd?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export interface MakeTempRepoOptions {
  /** Files of the initial commit. Default `{ 'README.md': '# test\n' }`. */
  files?: Record<string, string>;
  /** Initial branch. Default `main`. */
  branch?: string;
  /** Write user.name/user.email into the repo config. Default true; false checks code that must not need them. */
  userConfig?: boolean;
  /** Let Orch's git calls run the repository's hooks (tests that inject faults with one). Default false, as in Orch. */
  hooks?: boolean;
}

export async function makeTempRepo(options: MakeTempRepoOptions = {}): Promise<TempRepo> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'orch-git-')));
  const root = join(dir, 'repo');
  const home = join(dir, 'home');
  await mkdir(root);
  await mkdir(home);
  const git = createGit({ env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, identity: TEST_IDENTITY, hooks: options.hooks ?? false });
  await git.ok(['init', '--quiet', '--initial-branch', options.branch ?? 'main'], { cwd: root });
  const config: Array<[string, string]> = [
    ['commit.gpgsign', 'false'],
    ['tag.gpgsign', 'false'],
    ['core.autocrlf', 'false'],
  ];
  if (options.userConfig ?? true) config.push(['user.name', TEST_IDENTITY.name], ['user.email', TEST_IDENTITY.email]);
  for (const [key, value] of config) await git.ok(['config', key, value], { cwd: root });

  const write = async (files: Record<string, string>, cwd = root) => {
    for (const [path, content] of Object.entries(files)) {
      const file = join(cwd, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  };
  const commit = async (message: string, files: Record<string, string> = {}, cwd = root) => {
    await write(files, cwd);
    const result = await git.commitAll(cwd, message);
    return result.sha;
  };
  const head = await commit('initial commit', options.files ?? { 'README.md': '# test\n' });
  return { dir, root, git, head, write, commit, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
