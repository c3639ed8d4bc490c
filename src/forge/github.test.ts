import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ForgeError } from './errors.js';
import { makeForgeFixture, OWNER, REPO, type ForgeFixture } from './testing/fixture.js';

let fx: ForgeFixture;
beforeEach(async () => {
  fx = await makeForgeFixture();
});
afterEach(async () => {
  expect(fx.server.violations).toEqual([]);
  await fx.cleanup();
});

describe('preflight', () => {
  test('a classic token with repo scope and write access passes', async () => {
    expect(await fx.forge.preflight()).toEqual({ ok: true, login: 'writer', scopes: ['repo', 'workflow'] });
  });

  test('a classic token without the repo scope is told which scope to add', async () => {
    fx.server.addUser({ login: 'narrow', token: 'ghp_narrow', scopes: ['read:org', 'gist'] });
    fx.server.repo(OWNER, REPO).permissions.narrow = 'write';
    const result = await fx.makeForge({ token: 'ghp_narrow' }).preflight();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toContain('lacks the `repo` scope');
    expect(result.problem).toContain('read:org, gist');
    expect(result.fix).toContain('gh auth refresh -s repo');
  });

  test('a public repository only needs public_repo', async () => {
    await fx.cleanup();
    fx = await makeForgeFixture({ private: false });
    fx.server.addUser({ login: 'pub', token: 'ghp_pub', scopes: ['public_repo'] });
    fx.server.repo(OWNER, REPO).permissions.pub = 'write';
    expect(await fx.makeForge({ token: 'ghp_pub' }).preflight()).toMatchObject({ ok: true, login: 'pub' });
  });

  test('a user with read access only is told they cannot push', async () => {
    fx.server.addUser({ login: 'reader', token: 'github_pat_reader' });
    fx.server.repo(OWNER, REPO).permissions.reader = 'read';
    const result = await fx.makeForge({ token: 'github_pat_reader' }).preflight();
    expect(result).toMatchObject({ ok: false, problem: expect.stringContaining('reader has no push access to acme/widgets') });
  });

  test('a rejected token and an invisible repository are reported with a fix', async () => {
    const bad = await fx.makeForge({ token: 'nope' }).preflight();
    expect(bad).toMatchObject({ ok: false, problem: expect.stringContaining('rejected the token'), fix: expect.stringContaining('gh auth login') });
    const missing = await fx.makeForge({ repo: 'gadgets' }).preflight();
    expect(missing).toMatchObject({ ok: false, problem: 'repository acme/gadgets was not found, or the token cannot see it' });
  });
});

describe('pull requests', () => {
  test('created once even when the engine crashed between push and create and asks again', async () => {
    const sha = await fx.pushBranch('orch/task-1', { 'a.txt': 'a\n' });
    const input = { head: 'orch/task-1', base: 'main', title: 'Task 1', body: 'Summary' };
    const first = await fx.forge.findOrCreatePullRequest(input);
    expect(first).toMatchObject({ number: 1, created: true, headSha: sha, state: 'open' });
    const again = await fx.forge.findOrCreatePullRequest(input);
    expect(again).toEqual({ ...first, created: false });
    expect(fx.server.repo(OWNER, REPO).pulls).toHaveLength(1);
    expect(fx.server.requests.filter((r) => r.operation === 'pulls/create')).toHaveLength(1);
  });

  test('a create that times out is retried after a back-off and opens exactly one pull request', async () => {
    await fx.pushBranch('orch/task-2', { 'b.txt': 'b\n' });
    const forge = fx.makeForge({ timeoutMs: 300 });
    // The first POST hangs before the handler runs; the retry after the per-attempt timeout creates the PR.
    fx.server.fail({ method: 'POST', path: /\/pulls$/, failure: { kind: 'timeout' } });
    const pr = await forge.findOrCreatePullRequest({ head: 'orch/task-2', base: 'main', title: 'T2', body: '' });
    expect(pr).toMatchObject({ number: 1, created: true });
    expect(fx.sleeps).toEqual([1000]);
    expect(fx.server.repo(OWNER, REPO).pulls).toHaveLength(1);
  });

  test('get, label, comment, merge squash, then the merged pull request is reported, not reopened', async () => {
    const sha = await fx.pushBranch('orch/task-3', { 'feature.txt': 'hello\n' });
    const pr = await fx.forge.findOrCreatePullRequest({ head: 'orch/task-3', base: 'main', title: 'Add feature', body: 'b' });
    await fx.forge.addLabels(pr.number, ['needs-human-review', 'orch']);
    await fx.forge.addLabels(pr.number, ['orch']);
    await fx.forge.comment(pr.number, 'Routed to a human: touches auth.');
    await fx.forge.updatePullRequestBody(pr.number, 'b, with test results');
    expect(fx.server.repo(OWNER, REPO).pulls[0]?.body).toBe('b, with test results');
    expect(await fx.forge.getPullRequest(pr.number)).toMatchObject({
      state: 'open',
      mergeable: true,
      headSha: sha,
      headRef: 'orch/task-3',
      baseRef: 'main',
      labels: ['needs-human-review', 'orch'],
    });
    expect(fx.server.repo(OWNER, REPO).comments.get(pr.number)).toEqual(['Routed to a human: touches auth.']);

    const merged = await fx.forge.mergePullRequest(pr.number, { method: 'squash', sha, title: 'Add feature (#1)', message: 'Orch-Task: 3' });
    expect(merged).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });
    if (!merged.merged) return;
    const git = fx.repo.git;
    expect((await git.ok(['rev-parse', 'refs/heads/main'], { cwd: fx.bare })).trim()).toBe(merged.sha);
    expect(await git.ok(['show', '-s', '--format=%s%n%b%P', merged.sha], { cwd: fx.bare })).toBe(`Add feature (#1)\nOrch-Task: 3\n${fx.repo.head}\n`);
    expect(await git.ok(['show', `${merged.sha}:feature.txt`], { cwd: fx.bare })).toBe('hello\n');

    expect(await fx.forge.getPullRequest(pr.number)).toMatchObject({ state: 'merged', mergeable: null, mergeCommitSha: merged.sha });
    expect(await fx.forge.deleteBranch('orch/task-3')).toEqual({ deleted: true });
    expect(await fx.forge.deleteBranch('orch/task-3')).toEqual({ deleted: false });
    expect((await git.run(['rev-parse', '--verify', '--quiet', 'refs/heads/orch/task-3'], { cwd: fx.bare })).exitCode).not.toBe(0);
    const found = await fx.forge.findOrCreatePullRequest({ head: 'orch/task-3', base: 'main', title: 'Add feature', body: 'b' });
    expect(found).toEqual({ number: pr.number, url: pr.url, created: false, headSha: sha, state: 'merged' });
  });

  test('merge refuses a head that moved and a conflicting branch, as values', async () => {
    const sha = await fx.pushBranch('orch/moving', { 'x.txt': '1\n' });
    const pr = await fx.forge.findOrCreatePullRequest({ head: 'orch/moving', base: 'main', title: 'm', body: '' });
    await fx.pushBranch('orch/moving', { 'x.txt': '2\n' });
    expect(await fx.forge.mergePullRequest(pr.number, { method: 'squash', sha })).toMatchObject({ merged: false, reason: 'head-moved' });

    await fx.pushBranch('orch/conflict', { 'README.md': 'theirs\n' });
    const conflict = await fx.forge.findOrCreatePullRequest({ head: 'orch/conflict', base: 'main', title: 'c', body: '' });
    await fx.pushBranch('main', { 'README.md': 'ours\n' });
    expect(await fx.forge.getPullRequest(conflict.number)).toMatchObject({ mergeable: false });
    expect(await fx.forge.mergePullRequest(conflict.number, { method: 'squash' })).toMatchObject({ merged: false, reason: 'not-mergeable' });
  });

  test('an unknown head is a ForgeError naming the request and the fix', async () => {
    const error = await fx.forge.findOrCreatePullRequest({ head: 'nope', base: 'main', title: 't', body: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ status: 422, method: 'POST', documentationUrl: 'https://docs.github.com/rest' });
    expect((error as Error).message).toMatch(/POST .*\/repos\/acme\/widgets\/pulls failed with 422: Validation Failed.*Fix: GitHub rejected/s);
  });

  test('closeIssue comments and closes', async () => {
    const number = fx.server.addIssue(OWNER, REPO, 'Epic: widgets');
    await fx.forge.closeIssue(number, 'Done in #2');
    const state = fx.server.repo(OWNER, REPO);
    expect(state.issues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(state.comments.get(number)).toEqual(['Done in #2']);
  });
});

describe('checks', () => {
  test('none, then pending, then success, combining check runs and statuses', async () => {
    const sha = await fx.pushBranch('orch/ci', { 'c.txt': 'c\n' });
    expect(await fx.forge.checksFor(sha)).toEqual({ state: 'none', failing: [], pending: [], total: 0 });
    fx.server.setCheckRuns(OWNER, REPO, sha, [{ name: 'test', status: 'in_progress' }, { name: 'lint', status: 'completed', conclusion: 'success' }]);
    fx.server.setStatuses(OWNER, REPO, sha, [{ context: 'ci/legacy', state: 'pending' }]);
    expect(await fx.forge.checksFor(sha)).toEqual({ state: 'pending', failing: [], pending: ['test', 'ci/legacy'], total: 3 });
    fx.server.setCheckRuns(OWNER, REPO, sha, [{ name: 'test', status: 'completed', conclusion: 'success' }, { name: 'lint', status: 'completed', conclusion: 'skipped' }]);
    fx.server.setStatuses(OWNER, REPO, sha, [{ context: 'ci/legacy', state: 'success' }]);
    expect(await fx.forge.checksFor(sha)).toEqual({ state: 'success', failing: [], pending: [], total: 3 });
  });

  test('failures are listed with summary and link, from both sources', async () => {
    const sha = await fx.pushBranch('orch/red', { 'r.txt': 'r\n' });
    fx.server.setCheckRuns(OWNER, REPO, sha, [
      { name: 'test', status: 'completed', conclusion: 'failure', title: '3 tests failed', url: 'https://ci.example/run/1' },
      { name: 'build', status: 'queued' },
    ]);
    fx.server.setStatuses(OWNER, REPO, sha, [{ context: 'deploy/preview', state: 'error', description: 'preview crashed', targetUrl: 'https://ci.example/d/2' }]);
    expect(await fx.forge.checksFor(sha)).toEqual({
      state: 'failure',
      failing: [
        { name: 'test', summary: '3 tests failed', url: 'https://ci.example/run/1' },
        { name: 'deploy/preview', summary: 'preview crashed', url: 'https://ci.example/d/2' },
      ],
      pending: ['build'],
      total: 3,
    });
  });
});

describe('rate limits and failures', () => {
  test('a secondary rate limit with retry-after is waited out on the injected clock', async () => {
    fx.server.fail({ path: '/user', failure: { kind: 'retry-after', seconds: 7 } });
    expect(await fx.forge.preflight()).toMatchObject({ ok: true });
    expect(fx.sleeps).toEqual([7000]);
    expect(fx.server.requests.filter((r) => r.path === '/user').map((r) => r.status)).toEqual([403, 200]);
  });

  test('429 with retry-after and a primary limit waiting until x-ratelimit-reset', async () => {
    const resetAt = Math.floor(fx.clock.now() / 1000) + 42;
    fx.server.fail({ path: /\/pulls$/, failure: { kind: 'retry-after', seconds: 3, status: 429 } });
    fx.server.fail({ path: /\/pulls$/, failure: { kind: 'rate-limit', resetAt } });
    await fx.pushBranch('orch/rl', { 'rl.txt': '1\n' });
    const pr = await fx.forge.findOrCreatePullRequest({ head: 'orch/rl', base: 'main', title: 'rl', body: '' });
    expect(pr.created).toBe(true);
    expect(fx.sleeps).toEqual([3000, 39_000 + 1000]);
  });

  test('a 500 is retried with backoff; persistent 500s become a ForgeError', async () => {
    fx.server.fail({ path: /\/pulls\/\d+$/, times: 2, failure: { kind: 'status', status: 502 } });
    await fx.pushBranch('orch/5xx', { 'f.txt': '1\n' });
    const pr = await fx.forge.findOrCreatePullRequest({ head: 'orch/5xx', base: 'main', title: 't', body: '' });
    expect(await fx.forge.getPullRequest(pr.number)).toMatchObject({ state: 'open' });
    expect(fx.sleeps).toEqual([1000, 2000]);

    fx.server.fail({ path: /\/pulls\/\d+$/, times: 10, failure: { kind: 'status', status: 500, message: 'Server Error' } });
    const error = await fx.forge.getPullRequest(pr.number).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toMatch(/failed with 500: Server Error \(after 3 retries\)\. Fix: GitHub is failing/);
  });

  test('a 403 without rate-limit headers is not retried', async () => {
    fx.server.addUser({ login: 'reader', token: 'r' });
    fx.server.repo(OWNER, REPO).permissions.reader = 'read';
    const error = await fx.makeForge({ token: 'r' }).addLabels(1, ['x']).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, message: expect.stringContaining('Must have push access') });
    expect(fx.sleeps).toEqual([]);
  });

  test('a rate limit resetting beyond maxWaitMs gives up with the wait in the message', async () => {
    fx.server.fail({ path: '/user', failure: { kind: 'rate-limit', resetAt: Math.floor(fx.clock.now() / 1000) + 7200 } });
    const result = await fx.forge.preflight();
    expect(result).toMatchObject({ ok: false, problem: expect.stringContaining('rate limited for another 7201 s') });
  });
});
