import { describe, expect, test } from 'vitest';
import { makeTempRepo } from '../git/testing.js';
import { checkRemote, hostOfBaseUrl, parseRemoteUrl, repositoryFromRemote } from './remote.js';

describe('parseRemoteUrl', () => {
  const cases: Array<[string, { host: string; owner: string; repo: string } | undefined]> = [
    ['https://github.com/acme/widgets.git', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['https://github.com/acme/widgets', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['https://github.com/acme/widgets/', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['https://x-access-token:ghs_secret@github.com/acme/widgets.git', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['https://GitHub.com/Acme/Widgets.git', { host: 'github.com', owner: 'Acme', repo: 'Widgets' }],
    ['http://ghe.corp.example:8080/team/svc.git', { host: 'ghe.corp.example', owner: 'team', repo: 'svc' }],
    ['git@github.com:acme/widgets.git', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['git@github.com:acme/widgets', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['github.com:acme/widgets.git', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['git@ghe.corp.example:team/my.service.git', { host: 'ghe.corp.example', owner: 'team', repo: 'my.service' }],
    ['ssh://git@github.com/acme/widgets.git', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['ssh://git@ssh.github.com:443/acme/widgets.git', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['ssh://git@ghe.corp.example:2222/team/svc', { host: 'ghe.corp.example', owner: 'team', repo: 'svc' }],
    ['git://github.com/acme/widgets.git', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['  https://github.com/acme/widgets.git\n', { host: 'github.com', owner: 'acme', repo: 'widgets' }],
    ['/srv/git/widgets.git', undefined],
    ['file:///srv/git/acme/widgets.git', undefined],
    ['C:/repos/widgets', undefined],
    ['https://github.com/acme', undefined],
    ['https://gitlab.com/group/sub/project.git', undefined],
    ['', undefined],
  ];
  test.each(cases)('%j', (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });
});

describe('forge host', () => {
  test.each([
    [undefined, 'github.com'],
    ['https://api.github.com', 'github.com'],
    ['https://ghe.corp.example/api/v3', 'ghe.corp.example'],
    ['https://api.ghe.corp.example', 'ghe.corp.example'],
  ])('%s → %s', (baseUrl, host) => {
    expect(hostOfBaseUrl(baseUrl)).toBe(host);
  });

  test('a remote on another host names both hosts and the fix, without credentials', () => {
    const result = checkRemote('https://user:s3cret@gitlab.com/acme/widgets.git', 'github.com');
    expect(result).toEqual({
      ok: false,
      problem: 'the `origin` remote is on gitlab.com (https://gitlab.com/acme/widgets.git) but the configured forge is github.com',
      fix: 'set forge.base_url for gitlab.com, or point origin at github.com: git remote set-url origin https://github.com/acme/widgets.git',
    });
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  test('reads origin of a real repository, and reports a missing one', async () => {
    const repo = await makeTempRepo();
    try {
      expect(await repositoryFromRemote(repo.git, repo.root, { host: 'github.com' })).toMatchObject({ ok: false, problem: expect.stringContaining('has no `origin` remote') });
      await repo.git.ok(['remote', 'add', 'origin', 'git@ghe.corp.example:team/svc.git'], { cwd: repo.root });
      expect(await repositoryFromRemote(repo.git, repo.root, { host: 'ghe.corp.example' })).toEqual({ ok: true, host: 'ghe.corp.example', owner: 'team', repo: 'svc' });
      expect(await repositoryFromRemote(repo.git, repo.root, { host: 'github.com' })).toMatchObject({ ok: false, problem: expect.stringContaining('on ghe.corp.example') });
    } finally {
      await repo.cleanup();
    }
  });
});
