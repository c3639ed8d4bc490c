import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPaths } from '../../src/paths/index.js';
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
async function githubProject(files: Record<string, string>, env: NodeJS.ProcessEnv = { GH_ENTERPRISE_TOKEN: TOKEN }, extra = '') {
  server = await createGitHubServer();
  // Cleaned up after each test: its daemon stopped, its directory removed.
  const s = (sb = sandbox(files));
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
  delete s.env.GH_ENTERPRISE_TOKEN;
  delete s.env.GITHUB_ENTERPRISE_TOKEN;
  Object.assign(s.env, env);
  return { s, srv: server, bare };
}

const orchAsync = (s: Sandbox, ...args: string[]) => s.orchAsync(...args);
const originLog = (s: Sandbox, bare: string) => s.git('--git-dir', bare, 'log', '--format=%s', 'main');
const pulls = (srv: GitHubTestServer) => srv.repo('acme', 'app').pulls;
/** GET from the sandbox's daemon with the CLI's admin token (its daemon file). */
async function daemonGet(s: Sandbox, path: string): Promise<unknown> {
  const info = JSON.parse(readFileSync(createPaths(s.env).project(s.repo).daemonFile, 'utf8')) as { port: number; token: string };
  const res = await fetch(`http://127.0.0.1:${info.port}${path}`, { headers: { authorization: `Bearer ${info.token}` } });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

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
    // Checks on their way wait for nobody: the batch is still busy (so `orch start --wait` keeps waiting), nothing
    // is listed as waiting for you, and the report agrees.
    const batchId = (JSON.parse((await orchAsync(s, 'show', 'core/E01', '--json')).stdout) as { runs: { batchId: string }[] }).runs[0]?.batchId ?? '';
    const batch = (await daemonGet(s, `/api/batches/${batchId}`)) as { busy: boolean; done: boolean; needsHuman: unknown[] };
    expect(batch).toMatchObject({ busy: true, done: false, needsHuman: [] });
    const report = JSON.parse((await orchAsync(s, 'report', '--batch', batchId, '--json')).stdout) as { totals: { waiting: number } };
    expect(report.totals.waiting).toBe(0);
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
    const { s, srv, bare } = await githubProject({ 'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'x', { 'src/a.txt': 'alpha' }) }, { GH_ENTERPRISE_TOKEN: TOKEN }, 'required_checks = ["unit tests"]\n');
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
    // The PR body follows: it now says the agent went back once.
    await until(() => pulls(srv)[0]?.body.includes('the agent went back to fix checks or conflicts 1 time'), 'the updated PR body');
    srv.setCheckRuns('acme', 'app', second, [{ name: 'unit tests', status: 'completed', conclusion: 'success' }]);
    await until(() => pulls(srv)[0]?.merged, 'the merge');
    expect(pulls(srv)).toHaveLength(1);
    expect(srv.violations).toEqual([]);
  });

  it("runs the project's test, build and lint on the finished change; pass/fail, duration and output go in the PR body and orch show", async () => {
    const extra = [
      '',
      '[commands]',
      `test = ["node", "-e", "console.log(require('fs').existsSync('src/a.txt') ? 'saw src/a.txt; 12 tests passed' : 'src/a.txt missing'); process.exit(require('fs').existsSync('src/a.txt') ? 0 : 1)"]`,
      `lint = ["node", "-e", "console.error('src/a.txt:1 lint problem'); require('fs').writeFileSync('lint-report.txt', 'x'); process.exit(3)"]`,
      '',
    ].join('\n');
    const { s, srv } = await githubProject({ 'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/a.txt': 'alpha' }) }, { GH_ENTERPRISE_TOKEN: TOKEN }, `required_checks = ["ci"]\nmax_fix_attempts = 0\n${extra}`);
    expect((await orchAsync(s, 'start')).status).toBe(0);
    const body = (await until(() => pulls(srv)[0], 'the pull request')).body;
    expect(body).toMatch(/\| tests \| test ✅ passed in \d+\.\d s, lint ❌ failed in \d+\.\d s/);
    expect(body).toContain('## Test results');
    expect(body).toMatch(/\(lint\) \| ❌ failed, exit code 3 \|/);
    expect(body).toContain('saw src/a.txt; 12 tests passed');
    expect(body).toContain('src/a.txt:1 lint problem');
    const shown = JSON.parse((await orchAsync(s, 'show', 'core/E01', '--json')).stdout) as { runs: Array<{ verification: Array<{ kind: string; ok: boolean; exitCode: number | null; durationMs: number; outputTail: string }> | null }> };
    const v = shown.runs[0]?.verification ?? [];
    expect(v.map((x) => [x.kind, x.ok, x.exitCode])).toEqual([
      ['test', true, 0],
      ['lint', false, 3],
    ]);
    expect(v[0]?.durationMs).toBeGreaterThan(0);
    expect(v[0]?.outputTail).toContain('12 tests passed');
    // What the commands wrote is not the agent's work: removed, never committed.
    const wt = (JSON.parse((await orchAsync(s, 'show', 'core/E01', '--json')).stdout) as { runs: Array<{ worktree: string }> }).runs[0]?.worktree ?? '';
    expect(existsSync(join(wt, 'src/a.txt'))).toBe(true);
    expect(existsSync(join(wt, 'lint-report.txt'))).toBe(false);
    expect((await orchAsync(s, 'logs', 'core/E01')).stdout).toMatch(/left 1 changed file \(lint-report.txt\); worktree restored/);
    // A failing lint is a failing check: the PR is flagged for a person, never merged.
    await until(() => srv.repo('acme', 'app').labels.get(1)?.includes('needs-human-review'), 'the label');
    expect(pulls(srv)[0]?.merged).toBeFalsy();
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

describe('open pull requests follow a moving target: rebased, conflicts to the agent, then to a human (W7)', () => {
  const green = (srv: GitHubTestServer, bare: string, s: Sandbox, branch: string) => {
    const head = s.git('--git-dir', bare, 'rev-parse', `refs/heads/${branch}`).trim();
    srv.setCheckRuns('acme', 'app', head, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    return head;
  };
  const pr = (srv: GitHubTestServer, branch: string) => pulls(srv).find((p) => p.head === branch);
  /** Waits until origin's copy of `branch` sits on origin's main (the rebase was pushed); its new head. */
  const rebasedOnMain = (s: Sandbox, bare: string, branch: string) =>
    until(() => {
      const main = s.git('--git-dir', bare, 'rev-parse', 'main').trim();
      const r = s.git('--git-dir', bare, 'for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`).trim();
      if (!r) return undefined;
      const base = s.git('--git-dir', bare, 'merge-base', main, r).trim();
      return base === main ? r : undefined;
    }, `${branch} rebased onto main`);
  const calls = (s: Sandbox) => readFileSync(s.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { resume: string | null; session: string; prompt: string; cwd: string });

  it('a clean rebase is silent: the other PR merges, this branch is rebased, pushed, checked again and merged', async () => {
    const { s, srv, bare } = await githubProject(
      {
        'docs/plans/README.md': '| Task | Status |\n|---|---|\n| core/E01 | 🔴 |\n| web/E01 | 🔴 |\n',
        'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/a.txt': 'alpha' }),
        'docs/plans/web-module/epic-01-b.md': epic('Beta', 'b', { 'src/b.txt': 'beta' }),
      },
      { GH_ENTERPRISE_TOKEN: TOKEN },
      'required_checks = ["ci"]\n',
    );
    expect((await orchAsync(s, 'start')).status).toBe(0);
    await until(() => pr(srv, 'feat/core-E01') && pr(srv, 'feat/web-E01'), 'both pull requests');
    const before = s.git('--git-dir', bare, 'rev-parse', 'refs/heads/feat/web-E01').trim();
    green(srv, bare, s, 'feat/core-E01');
    await until(() => pr(srv, 'feat/core-E01')?.merged, 'the first merge');
    const after = await rebasedOnMain(s, bare, 'feat/web-E01');
    expect(after).not.toBe(before);
    // The old head is kept reachable locally.
    const saved = s.git('for-each-ref', '--format=%(objectname)', 'refs/orch/saved/').trim().split('\n');
    expect(saved).toContain(before);
    expect(pr(srv, 'feat/web-E01')?.merged).toBe(false);
    green(srv, bare, s, 'feat/web-E01');
    await until(() => pr(srv, 'feat/web-E01')?.merged, 'the rebased merge');
    expect(s.git('--git-dir', bare, 'show', 'main:src/a.txt')).toBe('alpha\n');
    expect(s.git('--git-dir', bare, 'show', 'main:src/b.txt')).toBe('beta\n');
    // Both plan rows end green although each PR carried its own status commit (regenerated after the rebase).
    const readme = s.git('--git-dir', bare, 'show', 'main:docs/plans/README.md');
    expect(readme).toMatch(/core\/E01[^\n]*🟢/);
    expect(readme).toMatch(/web\/E01[^\n]*🟢/);
    expect(calls(s)).toHaveLength(2);
    const logs = (await orchAsync(s, 'logs', 'web/E01')).stdout;
    expect(logs).toMatch(/rebased feat\/web-E01 onto origin\/main/);
    // The two status commits touch neighbouring rows of the README: the replayed one is dropped and regenerated.
    expect(logs).toMatch(/dropped to regenerate: chore\(plan\): complete web\/E01/);
    expect(pulls(srv)).toHaveLength(2);
    expect(srv.violations).toEqual([]);
  });

  it('a conflicting rebase goes back to the agent in the same session with the hunks; its resolution merges', async () => {
    const { s, srv, bare } = await githubProject(
      {
        'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/shared.txt': 'from a' }),
        'docs/plans/web-module/epic-01-b.md': epic('Beta', 'b', { 'src/shared.txt': 'from b' }),
      },
      { GH_ENTERPRISE_TOKEN: TOKEN },
      'required_checks = ["ci"]\n',
    );
    expect((await orchAsync(s, 'start')).status).toBe(0);
    await until(() => pr(srv, 'feat/core-E01') && pr(srv, 'feat/web-E01'), 'both pull requests');
    green(srv, bare, s, 'feat/core-E01');
    await until(() => pr(srv, 'feat/core-E01')?.merged, 'the first merge');
    await rebasedOnMain(s, bare, 'feat/web-E01');
    const all = calls(s);
    const first = all.find((c) => c.prompt.includes('src/shared.txt') && c.prompt.includes('from b') && !c.resume);
    const conflict = all.find((c) => c.prompt.includes('conflict marker'));
    expect(conflict?.resume).toBe(first?.session);
    expect(conflict?.cwd).toBe(first?.cwd);
    expect(conflict?.prompt).toContain('- src/shared.txt');
    expect(conflict?.prompt).toMatch(/<<<<<<< [\s\S]*from a[\s\S]*=======[\s\S]*from b[\s\S]*>>>>>>> /);
    expect(s.git('--git-dir', bare, 'show', 'feat/web-E01:src/shared.txt')).toBe('resolved\n');
    green(srv, bare, s, 'feat/web-E01');
    await until(() => pr(srv, 'feat/web-E01')?.merged, 'the resolved merge');
    expect(s.git('--git-dir', bare, 'show', 'main:src/shared.txt')).toBe('resolved\n');
    expect(srv.repo('acme', 'app').labels.get(pr(srv, 'feat/web-E01')?.number ?? 0) ?? []).not.toContain('needs-human-review');
    expect(srv.violations).toEqual([]);
  });

  it('a conflict the agent does not resolve is flagged for a human with the reason; no marker is ever committed', async () => {
    const { s, srv, bare } = await githubProject(
      {
        'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'a', { 'src/shared.txt': 'from a' }),
        'docs/plans/web-module/epic-01-b.md': epic('Beta', 'b [[fake:noresolve]]', { 'src/shared.txt': 'from b' }),
      },
      { GH_ENTERPRISE_TOKEN: TOKEN },
      'required_checks = ["ci"]\nmax_fix_attempts = 1\n',
    );
    expect((await orchAsync(s, 'start')).status).toBe(0);
    await until(() => pr(srv, 'feat/core-E01') && pr(srv, 'feat/web-E01'), 'both pull requests');
    const before = s.git('--git-dir', bare, 'rev-parse', 'refs/heads/feat/web-E01').trim();
    green(srv, bare, s, 'feat/core-E01');
    await until(() => pr(srv, 'feat/core-E01')?.merged, 'the first merge');
    const n = pr(srv, 'feat/web-E01')?.number ?? 0;
    await until(() => srv.repo('acme', 'app').labels.get(n)?.includes('needs-human-review'), 'the needs-human-review label');
    const st = JSON.parse((await orchAsync(s, 'status', '--json')).stdout) as { waiting: Array<{ taskId: string; reason: string }> };
    const reason = st.waiting.find((w) => w.taskId === 'web/E01')?.reason ?? '';
    expect(reason).toMatch(/rebase onto origin\/main conflicts in src\/shared.txt; the agent did not resolve it after 1 attempt/);
    expect(reason).toMatch(/orch resume web\/E01/);
    const queue = JSON.parse((await orchAsync(s, 'pr', 'review', '--json')).stdout) as Array<{ taskId: string; decision: { flagged: boolean; reasons: Array<{ rule: string; file: string }> } }>;
    expect(queue.find((q) => q.taskId === 'web/E01')?.decision.reasons[0]).toMatchObject({ rule: 'conflict/unresolved', file: 'src/shared.txt' });
    expect(calls(s).filter((c) => c.prompt.includes('conflict marker'))).toHaveLength(1);
    // Nothing with conflict markers reached the remote: the PR branch is still the agent's own work.
    expect(s.git('--git-dir', bare, 'rev-parse', 'refs/heads/feat/web-E01').trim()).toBe(before);
    expect(s.git('--git-dir', bare, 'show', 'feat/web-E01:src/shared.txt')).toBe('from b\n');
    expect(pr(srv, 'feat/web-E01')?.merged).toBe(false);

    // A person resolves the conflict in the run's worktree (the rebase is in progress there) and says merge it.
    const shown = JSON.parse((await orchAsync(s, 'show', 'web/E01', '--json')).stdout) as { runs: Array<{ worktree: string }> };
    const wt = shown.runs[0]?.worktree ?? '';
    expect(readFileSync(join(wt, 'src/shared.txt'), 'utf8')).toMatch(/^<<<<<<< /m);
    writeFileSync(join(wt, 'src/shared.txt'), 'from a and b\n');
    expect((await orchAsync(s, 'pr', 'merge', 'web/E01')).status).toBe(0);
    await rebasedOnMain(s, bare, 'feat/web-E01');
    green(srv, bare, s, 'feat/web-E01');
    await until(() => pr(srv, 'feat/web-E01')?.merged, 'the merge after the human resolution');
    expect(s.git('--git-dir', bare, 'show', 'main:src/shared.txt')).toBe('from a and b\n');
    expect(pulls(srv)).toHaveLength(2);
    expect(srv.violations).toEqual([]);
  });
});

function s0(): string {
  return '/nonexistent';
}
