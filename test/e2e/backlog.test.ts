import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubServer, type GitHubTestServer } from '../../src/forge/testing/github-server.js';
import { sandbox, until, type Sandbox } from '../harness.js';

let sb: Sandbox | undefined;
let server: GitHubTestServer | undefined;
afterEach(async () => {
  sb?.cleanup();
  await server?.close();
  sb = undefined;
  server = undefined;
});

/** A task file as Backlog.md 1.52 writes it (test/fixtures/backlog), its description asking for one file. */
function taskFile(n: number, title: string, file: string, content: string, extra: { status?: string; assignee?: string[]; dependencies?: string[] } = {}): string {
  const list = (xs: string[] = []) => (xs.length ? `\n${xs.map((x) => `  - ${x.startsWith('@') ? `'${x}'` : x}`).join('\n')}` : ' []');
  return [
    '---',
    `id: TASK-${n}`,
    `title: ${title}`,
    `status: ${extra.status ?? 'To Do'}`,
    `assignee:${list(extra.assignee)}`,
    "created_date: '2026-12-01 09:00'",
    'labels: []',
    `dependencies:${list(extra.dependencies)}`,
    `ordinal: ${n}000`,
    '---',
    '',
    '## Description',
    '',
    '<!-- SECTION:DESCRIPTION:BEGIN -->',
    `Create ${file}.`,
    '',
    '```file:' + file,
    content,
    '```',
    '<!-- SECTION:DESCRIPTION:END -->',
    '',
  ].join('\n');
}

describe('Backlog.md task files as a plan source, through the CLI and the daemon', () => {
  it('start --wait runs the To Do tasks in dependency order, commits In Progress and Done into the files on main, leaves the checkout clean and a person\'s task alone', async () => {
    const s = (sb = sandbox({
      '.orch/config.toml': 'max_parallel_agents = 2\n\n[sources.backlog]\ndir = "backlog"\n',
      'backlog/config.yml': 'project_name: "app"\ndefault_status: "To Do"\nstatuses: ["To Do", "In Progress", "Done"]\ntask_prefix: "task"\n',
      'backlog/tasks/task-1 - Greeting.md': taskFile(1, 'Greeting', 'src/greet.js', "export const greet = () => 'hi';"),
      'backlog/tasks/task-2 - Farewell.md': taskFile(2, 'Farewell', 'src/bye.js', "export const bye = () => 'bye';", { dependencies: ['TASK-1'] }),
      'backlog/tasks/task-3 - Theirs.md': taskFile(3, 'Theirs', 'src/theirs.js', 'x', { status: 'In Progress', assignee: ['@alice'] }),
      'backlog/tasks/task-4 - After theirs.md': taskFile(4, 'After theirs', 'src/after.js', 'y', { dependencies: ['TASK-3'] }),
    }));
    const sync = s.orch('sync');
    expect(sync.status, sync.stdout + sync.stderr).toBe(0);
    expect(sync.stderr).toContain('backlog/task-4 waits for task-3 (In Progress, @alice)');
    expect(s.orchJson<Array<{ id: string; waitingFor: string[] }>>('list').map((t) => [t.id, t.waitingFor])).toEqual([
      ['backlog/task-1', []],
      ['backlog/task-2', ['backlog/task-1']],
    ]);

    const start = s.orch('start', '--wait');
    expect(start.status, start.stdout + start.stderr).toBe(0);
    expect(s.git('show', 'main:src/bye.js')).toContain('bye');
    const show = (f: string) => s.git('show', `main:backlog/tasks/${f}`);
    for (const f of ['task-1 - Greeting.md', 'task-2 - Farewell.md']) {
      expect(show(f)).toMatch(/^status: Done$/m);
      expect(show(f)).toContain("assignee:\n  - '@orch'\ncreated_date");
    }
    expect(show('task-3 - Theirs.md')).toBe(taskFile(3, 'Theirs', 'src/theirs.js', 'x', { status: 'In Progress', assignee: ['@alice'] }));
    const log = s.git('log', '--format=%s', 'main').split('\n');
    expect(log).toContain('chore(plan): start backlog/task-1 - Greeting');
    expect(log.indexOf('feat(backlog): implement task-2 - Farewell')).toBeLessThan(log.indexOf('feat(backlog): implement task-1 - Greeting'));
    // The In Progress mark went in its own commit; Done travelled inside the merge commit.
    expect(s.git('show', 'main~0:backlog/tasks/task-2 - Farewell.md')).toMatch(/^status: Done$/m);
    expect(s.git('show', '--stat', '--format=%s', 'HEAD')).toContain('backlog/tasks/task-2 - Farewell.md');
    expect(s.git('status', '--porcelain')).toBe('');

    // Synced again, the merged tasks stay complete and nothing else is offered.
    await until(() => s.orch('sync').status === 0, 'a clean sync');
    expect(s.orchJson<Array<{ id: string; status: string }>>('list').map((t) => [t.id, t.status])).toEqual([
      ['backlog/task-1', 'complete'],
      ['backlog/task-2', 'complete'],
    ]);
  }, 120_000);

  it('with the GitHub forge, Done travels inside the pull request: the PR branch holds it, main gets it with the merge only', async () => {
    const TOKEN = 'ghp_orch_test';
    const srv = (server = await createGitHubServer());
    const s = (sb = sandbox({
      'backlog/config.yml': 'project_name: "app"\ndefault_status: "To Do"\nstatuses: ["To Do", "In Progress", "Done"]\ntask_prefix: "task"\n',
      'backlog/tasks/task-1 - Greeting.md': taskFile(1, 'Greeting', 'src/greet.js', "export const greet = () => 'hi';"),
    }));
    const bare = join(s.base, 'origin.git');
    s.git('init', '-q', '--bare', bare);
    s.git('remote', 'add', 'origin', bare);
    srv.addUser({ login: 'orch-bot', token: TOKEN, scopes: ['repo'] });
    srv.addRepo({ owner: 'acme', repo: 'app', bare, permissions: { 'orch-bot': 'write' } });
    s.write(
      '.orch/config.toml',
      `[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[sources.backlog]\ndir = "backlog"\n\n[forge]\nkind = "github"\nbase_url = "${srv.baseUrl}"\nowner = "acme"\nrepo = "app"\ncheck_poll_seconds = 1\nrequired_checks = ["ci"]\n`,
    );
    s.commitAll('configure backlog and the forge');
    s.git('push', '-q', 'origin', 'main');
    for (const k of ['GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_ENTERPRISE_TOKEN']) delete s.env[k];
    s.env.GH_ENTERPRISE_TOKEN = TOKEN;
    const file = 'backlog/tasks/task-1 - Greeting.md';
    const origin = (rev: string) => s.git('--git-dir', bare, 'show', `${rev}:${file}`);

    const started = await s.orchAsync('start');
    expect(started.status, started.stdout + started.stderr).toBe(0);
    const pr = await until(() => srv.repo('acme', 'app').pulls[0], 'the pull request');
    // Pushed with its Done mark; the required check `ci` has not run, so nothing merged yet.
    expect(origin(`refs/heads/${pr.head}`)).toMatch(/^status: Done$/m);
    expect(origin('main')).not.toMatch(/^status: Done$/m);
    const head = s.git('--git-dir', bare, 'rev-parse', `refs/heads/${pr.head}`).trim();
    srv.setCheckRuns('acme', 'app', head, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    await until(() => srv.repo('acme', 'app').pulls[0]?.merged, 'the merge');
    expect(origin('main')).toMatch(/^status: Done$/m);
    expect(s.git('--git-dir', bare, 'show', 'main:src/greet.js')).toContain('greet');
    // Done came with the merge (squashed into it by the server): the merge commit is what changed the task file.
    expect(s.git('--git-dir', bare, 'log', '--format=%s', 'main').trim().split('\n')).toEqual(['feat(backlog): implement task-1 - Greeting', 'configure backlog and the forge', 'initial']);
    expect(s.git('--git-dir', bare, 'show', '--name-only', '--format=', 'main')).toContain(file);
    expect(srv.violations).toEqual([]);
  }, 120_000);
});
