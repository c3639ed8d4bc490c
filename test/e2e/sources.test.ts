import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubServer, type GitHubTestServer } from '../../src/forge/testing/github-server.js';
import { repoRootDir, sandbox, until, type Sandbox } from '../harness.js';

/** The simulated model with the planner's answers scripted (test/fixtures/planner-model.mjs), in its own process. */
async function startPlannerModel(env: NodeJS.ProcessEnv = {}): Promise<{ url: string; close: () => void }> {
  const child: ChildProcess = spawn(process.execPath, [join(repoRootDir, 'test/fixtures/planner-model.mjs')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`planner model exited with ${c}`)));
  });
  return { url: first.trim(), close: () => child.kill() };
}

const TOKEN = 'ghp_orch_sources';
let model: { url: string; close: () => void };
let sb: Sandbox | undefined;
let server: GitHubTestServer | undefined;
beforeAll(async () => {
  model = await startPlannerModel();
});
afterAll(() => model.close());
afterEach(async () => {
  sb?.cleanup();
  await server?.close();
  sb = undefined;
  server = undefined;
});

const claudeEnv = () => ({ ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CODE_MAX_RETRIES: '1' });

describe('GitHub issues as a plan source, with the real Claude Code on the simulated model', () => {
  it('onboard --source github, then start --wait: ready issues merge through PRs in dependency order and are closed with a link; a vague one is sent back', async () => {
    server = await createGitHubServer();
    const s = (sb = sandbox({ 'README.md': '# app\n' }, { realClaude: true, env: claudeEnv() }));
    s.env.CLAUDE_CONFIG_DIR = join(s.base, 'claude');
    // The API test server is not github.com: it gets the enterprise token variable, never GITHUB_TOKEN.
    s.env.GH_ENTERPRISE_TOKEN = TOKEN;
    const bare = join(s.base, 'origin.git');
    s.git('init', '-q', '--bare', bare);
    s.git('remote', 'add', 'origin', bare);
    server.addUser({ login: 'orch-bot', token: TOKEN, scopes: ['repo'] });
    server.addRepo({ owner: 'acme', repo: 'app', bare, permissions: { 'orch-bot': 'write' } });
    // The remote is a local path, so the API address and repository are configured; onboard adds the rest.
    s.write('.orch/config.toml', `[forge]\nbase_url = "${server.baseUrl}"\nowner = "acme"\nrepo = "app"\ncheck_poll_seconds = 1\n`);
    s.commitAll('forge address');
    const health = server.addIssue('acme', 'app', 'Add a health module', {
      body: 'The load balancer needs a health check.\n\nAcceptance criteria:\n- src/health.js exports ok\n\nDeliverables:\n- `src/health.js`',
      labels: ['orch'],
    });
    const version = server.addIssue('acme', 'app', 'Add a version module', {
      body: `Blocked by #${health}.\n\nAcceptance criteria:\n- src/version.js exists\n\nDeliverables:\n- \`src/version.js\``,
      labels: ['orch'],
    });
    const vague = server.addIssue('acme', 'app', 'Make it better', { body: 'Everything could be nicer.', labels: ['orch'] });

    // Async: the GitHub test server runs in this process, so nothing here may block its event loop.
    const onboard = await s.orchAsync('onboard', '--yes', '--forge', 'github', '--source', 'github', '--no-sample');
    expect(onboard.status, onboard.stdout + onboard.stderr).toBe(0);
    expect(onboard.stdout).toContain('+ [sources.github]');
    s.git('push', '-q', 'origin', 'main');

    // The planner checks the issues in the background; the daemon syncs again as each verdict comes in.
    await until(async () => JSON.parse((await s.orchAsync('list', '--json')).stdout).length === 2, 'the ready issues to become tasks', 120_000);
    const start = await s.orchAsync('start', '--wait');
    expect(start.status, start.stdout + start.stderr).toBe(0);
    const repo = server.repo('acme', 'app');
    expect(repo.pulls.map((p) => [p.title, p.merged])).toEqual([
      ['feat(gh): implement #1 - Add a health module', true],
      ['feat(gh): implement #2 - Add a version module', true],
    ]);
    expect(s.git('--git-dir', bare, 'show', 'main:src/version.js')).toContain('version');
    for (const n of [health, version]) {
      expect(repo.issues.find((i) => i.number === n)?.state).toBe('closed');
      expect(repo.comments.get(n)?.at(-1)).toMatch(/^Done by Orch: merged in http.*\/pull\/\d+\.$/);
    }
    expect(repo.issues.find((i) => i.number === vague)?.state).toBe('open');
    expect(repo.labels.get(vague)).toContain('orch:needs-refinement');
    expect(repo.comments.get(vague)).toHaveLength(1);
    expect(repo.comments.get(vague)?.[0]).toContain('acceptance criteria');
    const list = JSON.parse((await s.orchAsync('list', '--json')).stdout) as Array<{ id: string; status: string }>;
    expect(list.map((t) => [t.id, t.status])).toEqual([
      [`gh/${health}`, 'complete'],
      [`gh/${version}`, 'complete'],
    ]);
    expect(server.violations).toEqual([]);
  }, 240_000);
});

describe('Beads as a plan source (fake bd), with the real Claude Code on the simulated model', () => {
  it('onboard --source beads, then start --wait --epic: the epic\'s ready issues are claimed, merged and closed; others untouched', async () => {
    const s = (sb = sandbox({ 'README.md': '# app\n' }, { realClaude: true, env: claudeEnv() }));
    s.env.CLAUDE_CONFIG_DIR = join(s.base, 'claude');
    const state = join(s.base, 'beads.json');
    const issue = (id: string, title: string, file: string, extra: object = {}) => ({
      id, title, status: 'open', priority: 2, issue_type: 'task',
      description: `Create ${file}.\n\nDeliverables:\n- \`${file}\``, ...extra,
    });
    writeFileSync(state, JSON.stringify([
      { id: 'bd-a3f8', title: 'Greeting epic', status: 'open', priority: 1, issue_type: 'epic', description: 'Greetings.' },
      issue('bd-a3f8.1', 'Greeting module', 'src/greet.js'),
      issue('bd-a3f8.2', 'Farewell module', 'src/bye.js'),
      issue('bd-b111', 'Unrelated work', 'src/other.js'),
    ]));
    Object.assign(s.env, { PATH: `${join(repoRootDir, 'test/fixtures/beads')}:${s.env.PATH ?? ''}`, BD_FAKE_STATE: state, BD_FAKE_LOG: join(s.base, 'bd.log') });

    const onboard = await s.orchAsync('onboard', '--yes', '--source', 'beads', '--no-sample');
    expect(onboard.status, onboard.stdout + onboard.stderr).toBe(0);
    expect(onboard.stdout).toContain('+ [sources.beads]');
    const start = await s.orchAsync('start', '--wait', '--epic', 'bd-a3f8');
    expect(start.status, start.stdout + start.stderr).toBe(0);
    expect(s.git('show', 'main:src/greet.js')).toContain('greet');
    expect(s.git('show', 'main:src/bye.js')).toContain('bye');
    expect(s.git('log', '--format=%s', 'main')).toContain('feat(bd-a3f8): implement bd-a3f8.1 - Greeting module');
    // Progress reaches the tracker right after the merge, asynchronously: wait for it.
    const read = () => JSON.parse(readFileSync(state, 'utf8')) as Array<{ id: string; status: string; close_reason?: string }>;
    await until(() => read().filter((i) => i.status === 'closed').length === 2, 'bd close of both issues');
    const after = read();
    expect(after.map((i) => [i.id, i.status])).toEqual([
      ['bd-a3f8', 'open'],
      ['bd-a3f8.1', 'closed'],
      ['bd-a3f8.2', 'closed'],
      ['bd-b111', 'open'],
    ]);
    expect(after[1]?.close_reason).toMatch(/^Merged by Orch in commit [0-9a-f]{40}$/);
    const calls = readFileSync(join(s.base, 'bd.log'), 'utf8');
    expect(calls).toContain('update bd-a3f8.1 --claim --actor orch --json');
    expect(calls).not.toContain('update bd-b111');
  }, 240_000);
});
