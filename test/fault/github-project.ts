// A project whose `origin` is a bare repository served by the GitHub API test server, for fault-injection tests.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGitHubServer, type GitHubTestServer } from '../../src/forge/testing/github-server.js';
import { sandbox, type Sandbox } from '../harness.js';

export const TOKEN = 'ghp_orch_fault';

export interface GitHubProject {
  s: Sandbox;
  srv: GitHubTestServer;
  bare: string;
  /** Every ref update origin received, as "old new ref", from its post-receive hook. */
  pushes: () => string[];
}

export async function githubProject(files: Record<string, string>, forgeExtra = ''): Promise<GitHubProject> {
  const srv = await createGitHubServer();
  const s = sandbox(files);
  const bare = join(s.base, 'origin.git');
  s.git('init', '-q', '--bare', bare);
  const pushLog = join(s.base, 'pushes.log');
  const hook = join(bare, 'hooks', 'post-receive');
  writeFileSync(hook, `#!/bin/sh\ncat >> '${pushLog}'\n`);
  chmodSync(hook, 0o755);
  s.git('remote', 'add', 'origin', bare);
  srv.addUser({ login: 'orch-bot', token: TOKEN, scopes: ['repo'] });
  srv.addRepo({ owner: 'acme', repo: 'app', bare, permissions: { 'orch-bot': 'write' } });
  s.write('.orch/config.toml', `[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[forge]\nkind = "github"\nbase_url = "${srv.baseUrl}"\nowner = "acme"\nrepo = "app"\ncheck_poll_seconds = 1\n${forgeExtra}`);
  s.commitAll('configure the forge');
  s.git('push', '-q', 'origin', 'main');
  delete s.env.GH_TOKEN;
  delete s.env.GITHUB_TOKEN;
  // The API test server is not github.com: it gets the enterprise token variable, never GITHUB_TOKEN.
  s.env.GH_ENTERPRISE_TOKEN = TOKEN;
  const pushes = () => (existsSync(pushLog) ? readFileSync(pushLog, 'utf8').trim().split('\n').filter(Boolean) : []);
  return { s, srv, bare, pushes };
}
