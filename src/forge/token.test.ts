import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { discoverToken } from './token.js';

let dir: string;
let withGh: string;
let failingGh: string;
let slowGh: string;
const empty = () => join(dir, 'empty');

async function fakeGh(name: string, script: string): Promise<string> {
  const bin = join(dir, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(bin, { recursive: true }));
  await writeFile(join(bin, 'gh'), `#!/bin/sh\n${script}\n`);
  await chmod(join(bin, 'gh'), 0o755);
  return bin;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orch-token-'));
  // Prints its argv so the test sees the --hostname, and a token only for the expected call.
  withGh = await fakeGh('ok', 'if [ "$1 $2 $3 $4" = "auth token --hostname ghe.corp.example" ]; then echo gho_from_gh_ghe; else echo gho_from_gh; fi');
  failingGh = await fakeGh('fail', 'echo "You are not logged into any GitHub hosts. To log in, run: gh auth login" >&2; exit 1');
  // A builtin busy loop: PATH holds only the fake, so no external sleep.
  slowGh = await fakeGh('slow', 'while :; do :; done');
  await import('node:fs/promises').then((fs) => fs.mkdir(empty(), { recursive: true }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('discoverToken', () => {
  test('GITHUB_TOKEN wins over GH_TOKEN and gh', async () => {
    expect(await discoverToken({ env: { GITHUB_TOKEN: 'ghp_a', GH_TOKEN: 'ghp_b', PATH: withGh } })).toEqual({ ok: true, token: 'ghp_a', source: 'GITHUB_TOKEN' });
  });

  test('GH_TOKEN next; blank values do not count', async () => {
    expect(await discoverToken({ env: { GITHUB_TOKEN: '  ', GH_TOKEN: 'ghp_b', PATH: withGh } })).toEqual({ ok: true, token: 'ghp_b', source: 'GH_TOKEN' });
  });

  test('then `gh auth token`, for the configured host', async () => {
    expect(await discoverToken({ env: { PATH: withGh } })).toEqual({ ok: true, token: 'gho_from_gh', source: 'gh' });
    expect(await discoverToken({ env: { PATH: withGh }, host: 'ghe.corp.example' })).toEqual({ ok: true, token: 'gho_from_gh_ghe', source: 'gh' });
  });

  test('GITHUB_TOKEN and GH_TOKEN are github.com\'s: another host never gets them, it gets its own token source', async () => {
    const env = { GITHUB_TOKEN: 'ghp_dotcom', GH_TOKEN: 'ghp_dotcom2', PATH: empty() };
    expect(await discoverToken({ env, host: 'ghe.corp.example' })).toMatchObject({
      ok: false,
      problem: 'no GitHub token for ghe.corp.example: GH_ENTERPRISE_TOKEN and GITHUB_ENTERPRISE_TOKEN are unset and the GitHub CLI (gh) is not installed',
      fix: expect.stringContaining('export GH_ENTERPRISE_TOKEN=<token with the repo scope for ghe.corp.example>'),
    });
    expect(await discoverToken({ env: { ...env, GH_ENTERPRISE_TOKEN: 'ghe_tok' }, host: 'GHE.corp.example' })).toEqual({ ok: true, token: 'ghe_tok', source: 'GH_ENTERPRISE_TOKEN' });
    expect(await discoverToken({ env: { ...env, GITHUB_ENTERPRISE_TOKEN: 'ghe_tok2' }, host: '127.0.0.1' })).toEqual({ ok: true, token: 'ghe_tok2', source: 'GITHUB_ENTERPRISE_TOKEN' });
    expect(await discoverToken({ env: { ...env, PATH: withGh }, host: 'ghe.corp.example' })).toEqual({ ok: true, token: 'gho_from_gh_ghe', source: 'gh' });
    expect(await discoverToken({ env: { GH_ENTERPRISE_TOKEN: 'ghe_tok', PATH: empty() } })).toMatchObject({ ok: false });
    expect(await discoverToken({ env, host: 'acme.ghe.com' })).toEqual({ ok: true, token: 'ghp_dotcom', source: 'GITHUB_TOKEN' });
  });

  test('no gh on PATH is "not found" with the fix', async () => {
    const result = await discoverToken({ env: { PATH: empty() } });
    expect(result).toEqual({
      ok: false,
      problem: 'no GitHub token for github.com: GITHUB_TOKEN and GH_TOKEN are unset and the GitHub CLI (gh) is not installed',
      fix: 'export GITHUB_TOKEN=<token with the repo scope>, or install the GitHub CLI and run `gh auth login`',
    });
  });

  test('gh not logged in reports its message', async () => {
    const result = await discoverToken({ env: { PATH: failingGh }, host: 'ghe.corp.example' });
    expect(result).toMatchObject({ ok: false, problem: expect.stringContaining('To log in, run: gh auth login'), fix: expect.stringContaining('gh auth login --hostname ghe.corp.example') });
  });

  test('a gh that hangs is given up after the timeout', async () => {
    const started = Date.now();
    const result = await discoverToken({ env: { PATH: slowGh }, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, problem: expect.stringContaining('did not answer within') });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
