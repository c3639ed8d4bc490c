import { afterEach, expect, test } from 'vitest';
import { makeForgeFixture, TOKEN, type ForgeFixture } from './testing/fixture.js';

let fx: ForgeFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

test('the test server answers a request that breaks the description with 500 and records it', async () => {
  fx = await makeForgeFixture();
  const post = (path: string, body: unknown) =>
    fetch(`${fx!.server.baseUrl}${path}`, { method: 'POST', headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const res = await post('/repos/acme/widgets/pulls', { title: 5, base: 'main' });
  expect(res.status).toBe(500);
  const text = await res.text();
  expect(text).toContain("does not match GitHub's OpenAPI description");
  expect(fx.server.violations.join('\n')).toMatch(/body must have required property 'head'[\s\S]*body\/title must be string/);
  fx.server.violations.length = 0;

  const query = await fetch(`${fx.server.baseUrl}/repos/acme/widgets/pulls?state=bogus&colour=red`, { headers: { authorization: `token ${TOKEN}` } });
  expect(query.status).toBe(500);
  expect(fx.server.violations.join('\n')).toMatch(/query parameter state must be equal to one of the allowed values[\s\S]*query parameter colour is not defined/);
  fx.server.violations.length = 0;
});

test('GitHub Enterprise Server: /api/v3 prefix, validated against the ghes-3.19 description', async () => {
  fx = await makeForgeFixture({ prefix: '/api/v3', description: 'ghes-3.19' });
  expect(fx.server.baseUrl).toMatch(/\/api\/v3$/);
  expect(await fx.forge.preflight()).toMatchObject({ ok: true, login: 'writer' });
  const sha = await fx.pushBranch('orch/ghe', { 'g.txt': 'g\n' });
  const pr = await fx.forge.findOrCreatePullRequest({ head: 'orch/ghe', base: 'main', title: 'GHE', body: '', draft: true });
  expect(pr).toMatchObject({ created: true, headSha: sha });
  fx.server.setCheckRuns('acme', 'widgets', sha, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
  expect((await fx.forge.checksFor(sha)).state).toBe('success');
  expect(await fx.forge.mergePullRequest(pr.number, { method: 'squash', sha })).toMatchObject({ merged: true });
  expect(fx.server.violations).toEqual([]);
});
