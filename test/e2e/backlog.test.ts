import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, until, type Sandbox } from '../harness.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
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
    expect(log.indexOf('feat(backlog): implement E02 - Farewell')).toBeLessThan(log.indexOf('feat(backlog): implement E01 - Greeting'));
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
});
