// Test fixture: a checkout whose `origin` is a bare repository served by the GitHub test server. Test-only.
import { join } from 'node:path';
import { makeTempRepo, type TempRepo } from '../../git/testing.js';
import { createGitHubForge, type GitHubForgeOptions } from '../github/forge.js';
import type { Forge } from '../types.js';
import { createGitHubServer, type GitHubServerOptions, type GitHubTestServer } from './github-server.js';

export const OWNER = 'acme';
export const REPO = 'widgets';
export const TOKEN = 'ghp_test_writer';

export interface ForgeFixture {
  repo: TempRepo;
  bare: string;
  server: GitHubTestServer;
  forge: Forge;
  /** Waits the forge asked for, in ms; the fake clock advances by each. */
  sleeps: number[];
  clock: { now: () => number };
  makeForge(overrides?: Partial<GitHubForgeOptions>): Forge;
  /** Commits `files` on `branch` (created off main when new) and pushes it to origin; returns the branch tip. */
  pushBranch(branch: string, files: Record<string, string>): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeForgeFixture(options: GitHubServerOptions & { private?: boolean } = {}): Promise<ForgeFixture> {
  const repo = await makeTempRepo();
  const bare = join(repo.dir, 'origin.git');
  await repo.git.ok(['clone', '--quiet', '--bare', repo.root, bare], { cwd: repo.dir });
  await repo.git.ok(['remote', 'add', 'origin', bare], { cwd: repo.root });
  await repo.git.ok(['fetch', '--quiet', 'origin'], { cwd: repo.root });

  let t = Date.UTC(2025, 0, 1);
  const clock = { now: () => t };
  const sleeps: number[] = [];
  const server = await createGitHubServer({ ...options, now: clock.now, git: repo.git });
  server.addUser({ login: 'writer', token: TOKEN, scopes: ['repo', 'workflow'] });
  server.addRepo({ owner: OWNER, repo: REPO, bare, private: options.private ?? true, permissions: { writer: 'write' } });

  const makeForge = (overrides: Partial<GitHubForgeOptions> = {}) =>
    createGitHubForge({
      owner: OWNER,
      repo: REPO,
      token: TOKEN,
      baseUrl: server.baseUrl,
      retry: {
        maxRetries: 3,
        now: clock.now,
        sleep: async (ms) => {
          sleeps.push(ms);
          t += ms;
        },
      },
      timeoutMs: 2000,
      ...overrides,
    });

  return {
    repo,
    bare,
    server,
    forge: makeForge(),
    sleeps,
    clock,
    makeForge,
    async pushBranch(branch, files) {
      const exists = await repo.git.branchExists(repo.root, branch);
      await repo.git.ok(exists ? ['checkout', '--quiet', branch] : ['checkout', '--quiet', '-b', branch, 'main'], { cwd: repo.root });
      const sha = await repo.commit(`work on ${branch}`, files);
      await repo.git.ok(['push', '--quiet', 'origin', `refs/heads/${branch}:refs/heads/${branch}`], { cwd: repo.root });
      await repo.git.ok(['checkout', '--quiet', 'main'], { cwd: repo.root });
      return sha;
    },
    async cleanup() {
      await server.close();
      await repo.cleanup();
    },
  };
}
