import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../forge/github/client.js';
import { makeForgeFixture, OWNER, REPO, TOKEN, type ForgeFixture } from '../../forge/testing/fixture.js';
import { readSources } from '../combine.js';
import { octokitIssues } from './api.js';
import { blockingRefs } from './refs.js';
import { createGitHubSource } from './source.js';

let fx: ForgeFixture;
beforeEach(async () => {
  fx = await makeForgeFixture();
});
afterEach(async () => {
  expect(fx.server.violations).toEqual([]);
  await fx.cleanup();
});

/** The planner's verdict, scripted: ready when the issue has acceptance criteria. */
function planner(asked: string[]) {
  return (prompt: string): Promise<string> => {
    asked.push(prompt);
    return Promise.resolve(
      /acceptance criteria:/i.test(prompt.split('Issue #')[1] ?? '')
        ? 'Looks fine.\n{"ready": true, "missing": []}'
        : '{"ready": false, "missing": ["acceptance criteria: how a reviewer tells it is done"]}',
    );
  };
}

/** A source, and a wait for its next `n` readiness verdicts (each asks for a sync). */
function source(asked: string[], cacheFile = join(fx.repo.dir, 'verdicts.json')) {
  const client = createGitHubClient({ token: TOKEN, baseUrl: fx.server.baseUrl, timeoutMs: 2000 });
  let calls = 0;
  const src = createGitHubSource({
    api: () => Promise.resolve(octokitIssues(client, OWNER, REPO)),
    label: 'orch',
    refinementLabel: 'orch:needs-refinement',
    readinessCheck: true,
    closeOnMerge: true,
    askPlanner: planner(asked),
    cacheFile,
    log: () => undefined,
  });
  src.watch!(() => calls++);
  const verdicts = async (n: number): Promise<void> => {
    for (let i = 0; i < 400 && calls < n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(n);
  };
  return Object.assign(src, { verdicts });
}

describe('blockingRefs', () => {
  it('reads "blocked by", "depends on" and unchecked task-list items, not code or checked items', () => {
    expect(blockingRefs('Blocked by #3.\nDepends on #4 and #5\n- [ ] #9\n- [x] #10\n`after #11`\n```\nrequires #12\n```\nSee #13')).toEqual([3, 4, 5, 9]);
  });
});

describe('GitHub issues as a source', () => {
  it('ready labelled issues become gh/<n> tasks with dependencies; a vague one gets one comment and the refinement label, never a task', async () => {
    const s = fx.server;
    const base = s.addIssue(OWNER, REPO, 'Add a /health endpoint', { body: 'The load balancer needs it.\n\nAcceptance criteria:\n- GET /health answers 200', labels: ['orch'] });
    const next = s.addIssue(OWNER, REPO, 'Report version in /health', { body: `Blocked by #${base}.\n\nAcceptance criteria:\n- the body has "version"`, labels: ['orch'] });
    const vague = s.addIssue(OWNER, REPO, 'Make it faster', { body: 'Everything is slow.', labels: ['orch'] });
    s.addIssue(OWNER, REPO, 'Not for Orch', { body: 'Acceptance criteria: x', labels: ['bug'] });
    const asked: string[] = [];
    const src = source(asked);

    // The planner's checks never hold a sync up: the first sync offers nothing and says so.
    const first = await readSources([src]);
    expect(first.tasks).toEqual([]);
    expect(first.issues.map((i) => [i.severity, i.code, i.message.split(' is being')[0]])).toEqual([
      ['warning', 'not_ready', `gh/${vague}`],
      ['warning', 'not_ready', `gh/${next}`],
      ['warning', 'not_ready', `gh/${base}`],
    ]);
    await src.verdicts(3);
    const read = await readSources([src]);
    expect(read.issues).toEqual([]);
    expect(read.tasks.map((t) => [t.id, t.module, t.epic, t.dependsOn])).toEqual([
      [`gh/${base}`, 'gh', base, []],
      [`gh/${next}`, 'gh', next, [`gh/${base}`]],
    ]);
    expect(read.tasks[0]!.body).toContain('GET /health answers 200');
    expect(asked).toHaveLength(3);
    expect(asked[0]).toContain('Orch readiness check for a GitHub issue');
    const repo = s.repo(OWNER, REPO);
    expect(repo.labels.get(vague)).toContain('orch:needs-refinement');
    expect(repo.comments.get(vague)).toHaveLength(1);
    expect(repo.comments.get(vague)![0]).toContain('acceptance criteria: how a reviewer tells it is done');

    // A second sync asks nothing again (verdicts are kept per text) and comments nothing again.
    const again = await readSources([source(asked)]);
    expect(again.tasks.map((t) => t.id)).toEqual([`gh/${base}`, `gh/${next}`]);
    expect(asked).toHaveLength(3);
    expect(repo.comments.get(vague)).toHaveLength(1);
  });

  it('an open blocker outside the label holds the issue back with a warning; closing the issue on merge links the PR', async () => {
    const s = fx.server;
    const outside = s.addIssue(OWNER, REPO, 'Upstream fix', { body: 'x' });
    const held = s.addIssue(OWNER, REPO, 'Use the fix', { body: `Depends on #${outside}\n\nAcceptance criteria: works`, labels: ['orch'] });
    const src = source([]);
    await readSources([src]);
    await src.verdicts(1);
    const read = await readSources([src]);
    expect(read.tasks).toEqual([]);
    expect(read.issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'not_ready', message: `gh/${held} waits for #${outside}, open and not a task of Orch; it is not offered yet` })]);

    const done = s.addIssue(OWNER, REPO, 'Small thing', { body: 'Acceptance criteria: done', labels: ['orch'] });
    await src.report!({ taskId: `gh/${done}`, status: 'complete', prUrl: 'https://github.com/acme/widgets/pull/7' });
    const repo = s.repo(OWNER, REPO);
    expect(repo.issues.find((i) => i.number === done)?.state).toBe('closed');
    expect(repo.comments.get(done)).toEqual(['Done by Orch: merged in https://github.com/acme/widgets/pull/7.']);
    // Closed labelled issues come back as complete tasks, so what depended on them is unblocked.
    const after = await readSources([src]);
    expect(after.tasks.find((t) => t.id === `gh/${done}`)?.planStatus).toBe('complete');
  });

  it('a sync against an unreachable GitHub fails as a whole, naming the source', async () => {
    fx.server.fail({ path: `/repos/${OWNER}/${REPO}/issues`, failure: { kind: 'status', status: 404, message: 'Not Found' } });
    const read = await readSources([source([])]);
    expect(read.issues[0]).toMatchObject({ severity: 'error', code: 'source_error', file: 'GitHub issues labelled "orch"' });
  });
});
