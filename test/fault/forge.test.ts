import { afterEach, describe, expect, it } from 'vitest';
import { epic, until } from '../harness.js';
import { githubProject, type GitHubProject } from './github-project.js';

let p: GitHubProject | undefined;
afterEach(async () => {
  p?.s.cleanup();
  await p?.srv.close();
  p = undefined;
});

const ZERO = '0'.repeat(40);
const status = async (q: GitHubProject) => JSON.parse((await q.s.orchAsync('status', '--json')).stdout) as { waiting: Array<{ taskId: string; reason: string }> };
const listed = async (q: GitHubProject) => JSON.parse((await q.s.orchAsync('list', '--json')).stdout) as Array<{ id: string; status: string }>;

/** The branch was pushed once (created), then deleted after the merge; never pushed again. */
function expectPushedOnce(q: GitHubProject, branch: string): void {
  const updates = q.pushes().filter((l) => l.endsWith(` refs/heads/${branch}`));
  const created = updates.filter((l) => !l.split(' ')[1]?.startsWith(ZERO));
  expect(created, updates.join('\n')).toHaveLength(1);
  expect(created[0]?.startsWith(ZERO)).toBe(true);
}

// Issue 5, fault injection at the edges: the forge fails, the run waits and retries, and completes once the forge
// recovers, without pushing twice or opening a second pull request.
describe('forge faults', () => {
  it('500s on opening and merging the PR: the run waits, retries, and merges once the forge answers again', { timeout: 120_000 }, async () => {
    const q = (p = await githubProject({ 'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'x', { 'src/a.txt': 'alpha' }) }));
    // More failures than one API call retries (4): the failure reaches the run, which must wait, not fail.
    q.srv.fail({ method: 'POST', path: /\/pulls$/, times: 7, failure: { kind: 'status', status: 500, message: 'Server Error' } });
    q.srv.fail({ method: 'PUT', path: /\/merge$/, times: 2, failure: { kind: 'status', status: 502, message: 'Bad Gateway' } });
    expect((await q.s.orchAsync('start')).status).toBe(0);
    const waiting = await until(async () => (await status(q)).waiting.find((w) => w.taskId === 'core/E01' && /forge error/.test(w.reason)), 'the run to wait on the forge');
    expect(waiting.reason).toMatch(/500/);
    expect((await listed(q))[0]?.status).toBe('in_progress');
    await until(async () => (await listed(q))[0]?.status === 'complete', 'the merge after the forge recovered', 90_000);
    const pulls = q.srv.repo('acme', 'app').pulls;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.merged).toBe(true);
    expect(q.srv.requests.filter((r) => r.status === 500 || r.status === 502)).toHaveLength(9);
    expectPushedOnce(q, 'feat/core-E01');
    expect(q.s.git('--git-dir', q.bare, 'log', '--format=%s', 'main').match(/implement E01 - Alpha/g)).toHaveLength(1);
    expect(q.srv.violations).toEqual([]);
  });

  it('requests that time out are abandoned and retried; the run merges once', { timeout: 120_000 }, async () => {
    const q = (p = await githubProject({ 'docs/plans/core-module/epic-01-a.md': epic('Alpha', 'x', { 'src/a.txt': 'alpha' }) }, 'request_timeout_seconds = 2\n'));
    q.srv.fail({ method: 'POST', path: /\/pulls$/, times: 2, failure: { kind: 'timeout' } });
    q.srv.fail({ method: 'PUT', path: /\/merge$/, times: 1, failure: { kind: 'timeout' } });
    q.srv.fail({ method: 'GET', path: /\/pulls\/\d+$/, times: 1, failure: { kind: 'timeout' } });
    expect((await q.s.orchAsync('start')).status).toBe(0);
    await until(async () => (await listed(q))[0]?.status === 'complete', 'the merge', 90_000);
    expect(q.srv.requests.filter((r) => r.status === 'hung')).toHaveLength(4);
    const pulls = q.srv.repo('acme', 'app').pulls;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.merged).toBe(true);
    expectPushedOnce(q, 'feat/core-E01');
    expect(q.s.git('--git-dir', q.bare, 'log', '--format=%s', 'main').match(/implement E01 - Alpha/g)).toHaveLength(1);
    expect(q.srv.violations).toEqual([]);
  });
});
