import { describe, expect, it, afterEach } from 'vitest';
import { createGit, gitEnv } from './index.js';
import { GitError } from './types.js';
import { makeTempRepo, type TempRepo } from './testing.js';

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe('gitEnv', () => {
  it('strips inherited repository-redirecting variables and pins prompts and locale', () => {
    const env = gitEnv(
      {
        PATH: '/bin',
        GIT_DIR: '/elsewhere',
        GIT_WORK_TREE: '/elsewhere',
        GIT_INDEX_FILE: '/elsewhere/index',
        GIT_OBJECT_DIRECTORY: '/o',
        GIT_ALTERNATE_OBJECT_DIRECTORIES: '/a',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'core.hooksPath',
        GIT_CONFIG_VALUE_0: '/evil',
        GIT_CONFIG_PARAMETERS: "'x.y'='z'",
        GIT_COMMON_DIR: '/c',
        GIT_AUTHOR_NAME: 'someone',
        GIT_SSH_COMMAND: 'ssh -i key',
        LANG: 'de_DE.UTF-8',
      },
      { GIT_INDEX_FILE: '/tmp/orch-index' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      GIT_SSH_COMMAND: 'ssh -i key',
      LANG: 'de_DE.UTF-8',
      GIT_INDEX_FILE: '/tmp/orch-index',
      GIT_TERMINAL_PROMPT: '0',
      GIT_EDITOR: ':',
      LC_ALL: 'C',
    });
  });
});

describe('run and ok', () => {
  it('returns a failing result instead of throwing, and ok throws a GitError with the command', async () => {
    repo = await makeTempRepo();
    const r = await repo.git.run(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo.root });
    expect(r.exitCode).toBe(128);
    expect(r.command).toEqual(['rev-parse', '--verify', 'no-such-ref']);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    const error = await repo.git.ok(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo.root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toMatch(/^Command failed with exit code 128: git rev-parse --verify no-such-ref\nfatal: /);
    await expect(repo.git.ok(['merge-base', '--is-ancestor', 'HEAD', 'HEAD'], { cwd: repo.root, allowedExitCodes: [0, 1] })).resolves.toBe('');
  });

  it('ignores GIT_DIR and GIT_INDEX_FILE inherited from the parent', async () => {
    repo = await makeTempRepo();
    const git = createGit({ env: { ...process.env, GIT_DIR: '/nonexistent', GIT_INDEX_FILE: '/nonexistent/index' } });
    expect(await git.revParse(repo.root, 'HEAD')).toBe(repo.head);
    expect(await git.isClean(repo.root)).toBe(true);
  });

  it('rejects a relative cwd and feeds input on stdin', async () => {
    repo = await makeTempRepo();
    await expect(repo.git.run(['status'], { cwd: 'relative/dir' })).rejects.toThrow(/absolute path/);
    const blob = await repo.git.ok(['hash-object', '--stdin'], { cwd: repo.root, input: 'hello\n' });
    expect(blob.trim()).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('cancels with an AbortSignal and times out', async () => {
    repo = await makeTempRepo();
    // A shell alias starts a grandchild that holds the pipes open: only killing the group ends it quickly.
    const slow = ['-c', 'alias.wait=!sleep 5', 'wait'];
    const controller = new AbortController();
    const started = Date.now();
    const pending = repo.git.run(slow, { cwd: repo.root, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const r = await pending;
    expect(r.canceled).toBe(true);
    const t = await repo.git.run(slow, { cwd: repo.root, timeoutMs: 50 });
    expect(t.timedOut).toBe(true);
    expect(t.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails with a GitError when the binary does not exist', async () => {
    repo = await makeTempRepo();
    const git = createGit({ binary: '/nonexistent/git' });
    await expect(git.run(['status'], { cwd: repo.root })).rejects.toBeInstanceOf(GitError);
  });
});
