import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubServer, type GitHubTestServer } from '../../src/forge/testing/github-server.js';
import { epic, sandbox, until, type Sandbox } from '../harness.js';

const TOKEN = 'ghp_orch_test';

let sb: Sandbox | undefined;
let server: GitHubTestServer | undefined;
afterEach(async () => {
  sb?.cleanup();
  await server?.close();
  sb = undefined;
  server = undefined;
});

/** A project whose origin is a bare repository served by the GitHub API test server (OpenAPI-validated). */
async function githubProject(files: Record<string, string>, env: NodeJS.ProcessEnv = { GITHUB_TOKEN: TOKEN }, extra = '') {
  server = await createGitHubServer();
  const s = sandbox(files);
  const bare = join(s.base, 'origin.git');
  s.git('init', '-q', '--bare', bare);
  s.git('remote', 'add', 'origin', bare);
  s.git('push', '-q', 'origin', 'main');
  server.addUser({ login: 'orch-bot', token: TOKEN, scopes: ['repo'] });
  server.addRepo({ owner: 'acme', repo: 'app', bare, permissions: { 'orch-bot': 'write' } });
  s.write('.orch/config.toml', `[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[forge]\nkind = "github"\nbase_url = "${server.baseUrl}"\nowner = "acme"\nrepo = "app"\ncheck_poll_seconds = 1\n${extra}`);
  s.commitAll('configure the forge');
  s.git('push', '-q', 'origin', 'main');
  delete s.env.GITHUB_TOKEN;
  delete s.env.GH_TOKEN;
  Object.assign(s.env, env);
  return { s, srv: server, bare };
}

const orchAsync = (s: Sandbox, ...args: string[]) => s.orchAsync(...args);
const originLog = (s: Sandbox, bare: string) => s.git('--git-dir', bare, 'log', '--format=%s', 'main');
const pulls = (srv: GitHubTestServer) => srv.repo('acme', 'app').pulls;

describe('orch with the GitHub forge (API test server checked against GitHub\'s OpenAPI description)', () => {
  it('refuses to start without a token, naming the fix, and pushes nothing', async () => {
    const { s, bare } = await githubProject({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'a', { 'a.txt': 'a' }) }, { PATH: `${join(s0(), 'nogh')}:${process.env.PATH ?? ''}` });
    const r = await orchAsync(s, 'start');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/GITHUB_TOKEN|GH_TOKEN|gh auth/);
    expect(r.stderr).toContain('Nothing was started');
    expect(s.git('--git-dir', bare, 'branch', '--list', 'feat/*').trim()).toBe('');
  });

  it('pushes, opens one PR, waits for pending checks, merges when green, deletes the branch', async () => {
    const { s, srv, bare } = await githubProject({
      'docs/plans/README.md': '| Task | Status |\n|---|---|\n| core/E01 | 🔴 |\n',
      'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'The first thing.', { 'src/a.txt': 'alpha' }),
    });
    const started = await orchAsync(s, 'start');
    expect(started.status, started.stderr).toBe(0);
    const pr = await until(() => pulls(srv)[0], 'the pull request');
    expect(pr).toMatchObject({ head: 'feat/core-E01', base: 'main', title: 'feat(core): implement E01 - Alpha' });
    expect(pr.body).toContain('docs/plans/core-module/epic-01-a.md');
    expect(pr.body).toMatch(/tokens \| [\d,]+/);
    const head = s.git('--git-dir', bare, 'rev-parse', 'refs/heads/feat/core-E01').trim();
    srv.setCheckRuns('acme', 'app', head, [{ name: 'ci', status: 'in_progress' }]);
    await until(async () => JSON.parse((await orchAsync(s, 'status', '--json')).stdout).waiting.some((w: { reason: string }) => /checks pending on PR #1/.test(w.reason)), 'checks pending');
    expect(pulls(srv)[0]?.merged).toBe(false);
    srv.setCheckRuns('acme', 'app', head, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    await until(() => pulls(srv)[0]?.merged, 'the merge');
    await until(async () => JSON.parse((await orchAsync(s, 'list', '--json')).stdout)[0]?.status === 'complete', 'the task to complete');
    expect(originLog(s, bare)).toContain('feat(core): implement E01 - Alpha');
    expect(s.git('--git-dir', bare, 'show', 'main:src/a.txt')).toBe('alpha\n');
    expect(s.git('--git-dir', bare, 'show', 'main:docs/plans/README.md')).toContain('🟢');
    expect(s.git('--git-dir', bare, 'branch', '--list', 'feat/*').trim()).toBe('');
    expect(pulls(srv)).toHaveLength(1);
    expect(srv.violations).toEqual([]);
  });

  it('failing checks go back to the agent in the same session; green after the fix merges', async () => {
    const { s, srv, bare } = await githubProject({ 'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'x', { 'src/a.txt': 'alpha' }) }, { GITHUB_TOKEN: TOKEN }, 'required_checks = ["unit tests"]\n');
    expect((await orchAsync(s, 'start')).status).toBe(0);
    await until(() => pulls(srv)[0], 'the pull request');
    const first = s.git('--git-dir', bare, 'rev-parse', 'refs/heads/feat/core-E01').trim();
    srv.setCheckRuns('acme', 'app', first, [{ name: 'unit tests', status: 'completed', conclusion: 'failure', summary: '2 tests failed' }]);
    const second = await until(() => {
      const h = s.git('--git-dir', bare, 'rev-parse', 'refs/heads/feat/core-E01').trim();
      return h !== first ? h : undefined;
    }, 'the fixed push');
    expect(s.git('--git-dir', bare, 'show', `${second}:fix.txt`)).toMatch(/^fixed at/);
    const calls = readFileSync(s.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { resume: string | null; prompt: string });
    expect(calls[1]?.resume).toBeTruthy();
    expect(calls[1]?.prompt).toContain('unit tests: 2 tests failed');
    srv.setCheckRuns('acme', 'app', second, [{ name: 'unit tests', status: 'completed', conclusion: 'success' }]);
    await until(() => pulls(srv)[0]?.merged, 'the merge');
    expect(pulls(srv)).toHaveLength(1);
    expect(srv.violations).toEqual([]);
  });

  it('a flagged change gets the needs-human-review label and waits; orch pr merge merges it', async () => {
    const { s, srv } = await githubProject({
      'docs/plans/core-module/epic-01-auth.md': epic('Auth', 'Login.', { 'src/auth/session.js': 'export const secret = process.env.SESSION_SECRET; // signs cookies with crypto' }),
    });
    expect((await orchAsync(s, 'start')).status).toBe(0);
    await until(() => srv.repo('acme', 'app').labels.get(1)?.includes('needs-human-review'), 'the label');
    const queue = JSON.parse((await orchAsync(s, 'pr', 'review', '--json')).stdout) as Array<{ taskId: string; run: { prUrl: string } }>;
    expect(queue[0]?.taskId).toBe('core/E01');
    expect(queue[0]?.run.prUrl).toMatch(/\/pull\/1$/);
    expect(pulls(srv)[0]?.merged).toBe(false);
    expect((await orchAsync(s, 'pr', 'merge', 'core/E01')).status).toBe(0);
    await until(() => pulls(srv)[0]?.merged, 'the approved merge');
    expect(srv.violations).toEqual([]);
  });
});

function s0(): string {
  return '/nonexistent';
}
