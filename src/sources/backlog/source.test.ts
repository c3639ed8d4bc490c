import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSources } from '../combine.js';
import { createMarkdownSource } from '../markdown.js';
import { setTaskStatus } from './edit.js';
import { createBacklogSource } from './source.js';

const fixtures = resolve(import.meta.dirname, '../../../test/fixtures/backlog');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project holding the Backlog.md folder the real CLI generated (test/fixtures/backlog/README.md). */
function project() {
  const root = mkdtempSync(join(tmpdir(), 'orch-backlog-'));
  dirs.push(root);
  cpSync(join(fixtures, 'backlog'), join(root, 'backlog'), { recursive: true });
  const src = createBacklogSource({ root, dir: 'backlog', doneStatus: 'Done', inProgressStatus: 'In Progress', now: () => new Date('2026-12-03T22:06:00Z') });
  const file = (name: string) => join(root, 'backlog', 'tasks', name);
  const read = (path: string) => Promise.resolve(readFileSync(join(root, path), 'utf8') as string | undefined);
  return { root, src, file, read };
}

describe('Backlog.md task files as a source', () => {
  it('reads the files the real CLI wrote: To Do tasks with their dependencies, Done as complete, archived left out, someone else\'s work holding its dependents back', async () => {
    const p = project();
    const first = await readSources([p.src]);
    expect(first.issues).toEqual([]);
    expect(first.tasks.map((t) => [t.id, t.priority, t.dependsOn, t.planStatus ?? null])).toEqual([
      ['backlog/task-1', 'high', [], null],
      ['backlog/task-1.1', 'medium', [], null],
      ['backlog/task-2', 'medium', ['backlog/task-1'], null],
      ['backlog/task-3', 'medium', [], 'complete'],
    ]);
    const login = first.tasks[0]!;
    expect(login).toMatchObject({ title: 'Login form', description: 'Build the login form.', file: 'backlog/tasks/task-1 - Login-form.md' });
    expect(login.body).toContain('- [ ] #1 Form renders');
    expect(login.body).not.toContain('SECTION:DESCRIPTION');
    expect(login.dependencySources).toEqual([]);
    expect(first.tasks[2]!.dependencySources).toEqual([{ id: 'backlog/task-1', kind: 'frontmatter', line: 10 }]);

    // A person took task-1 (In Progress, not assigned to @orch): it is not Orch's, and task-2 waits for it.
    writeFileSync(p.file('task-1 - Login-form.md'), readFileSync(p.file('task-1 - Login-form.md'), 'utf8').replace('status: To Do', 'status: In Progress'));
    const second = await readSources([p.src]);
    expect(second.tasks.map((t) => t.id)).toEqual(['backlog/task-1.1', 'backlog/task-3']);
    expect(second.issues).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'not_ready', file: 'backlog/tasks/task-2 - Session-cookie.md', line: 10, message: expect.stringContaining('waits for task-1 (In Progress)') }),
    ]);
  });

  it('status files: In Progress with @orch when a run starts, Done on merge, To Do without @orch when given back; the same bytes as Backlog.md\'s own edit', async () => {
    const p = project();
    const task = (n: string, file: string) => ({ id: `backlog/${n}`, file: `backlog/tasks/${file}` });
    const login = task('task-1', 'task-1 - Login-form.md');
    const cookie = task('task-2', 'task-2 - Session-cookie.md');
    const started = await p.src.statusFiles!(login, 'in_progress', p.read);
    expect(started).toEqual([{ path: login.file, content: readFileSync(join(fixtures, 'edited', 'task-1 - Login-form.md'), 'utf8') }]);
    const both = await p.src.statusFiles!(cookie, 'in_progress', p.read);
    expect(both[0]!.content).toBe(readFileSync(join(fixtures, 'edited', 'task-2 - Session-cookie.md'), 'utf8'));

    writeFileSync(join(p.root, cookie.file), both[0]!.content);
    const back = await p.src.statusFiles!(cookie, 'not_started', p.read);
    expect(back[0]!.content).toContain("status: To Do\nassignee:\n  - '@alice'\ncreated_date");
    expect(back[0]!.content).not.toContain('@orch');
    // Orch's own In Progress task stays its task on the next read.
    writeFileSync(join(p.root, login.file), started[0]!.content);
    expect((await readSources([p.src])).tasks.map((t) => t.id)).toContain('backlog/task-1');
    const done = await p.src.statusFiles!(login, 'complete', p.read);
    expect(done[0]!.content).toMatch(/^status: Done$/m);
    writeFileSync(join(p.root, login.file), done[0]!.content);
    expect(await p.src.statusFiles!(login, 'complete', p.read)).toEqual([]);
    expect((await readSources([p.src])).tasks.find((t) => t.id === 'backlog/task-1')?.planStatus).toBe('complete');
  });

  it('problems name the file and line: broken frontmatter, an unknown dependency, a duplicate id; ids never collide with other sources', async () => {
    const p = project();
    writeFileSync(p.file('task-9 - Broken.md'), '---\nid: TASK-9\ntitle: [unclosed\n---\n');
    writeFileSync(p.file('task-10 - Lost.md'), '---\nid: TASK-10\ntitle: Lost\nstatus: To Do\ndependencies:\n  - TASK-77\n---\n');
    writeFileSync(p.file('task-2 - Again.md'), '---\nid: TASK-2\ntitle: Again\nstatus: To Do\n---\n');
    const r = await readSources([p.src, createMarkdownSource({ root: p.root, plansDir: 'docs/plans', optional: true })]);
    const errors = r.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.file, i.line]);
    expect(errors).toEqual([
      ['duplicate_id', 'backlog/tasks/task-2 - Session-cookie.md', 1],
      ['bad_frontmatter', 'backlog/tasks/task-9 - Broken.md', 3],
      ['unknown_dependency', 'backlog/tasks/task-10 - Lost.md', 6],
    ]);
    expect(p.src.owns('backlog/task-7')).toBe(true);
    expect(p.src.owns('backlog/E01')).toBe(false);
  });
});

describe('setTaskStatus', () => {
  it('changes only status, assignee and updated_date, keeping CRLF files CRLF', () => {
    const text = '---\r\nid: TASK-5\r\ntitle: T\r\nstatus: To Do\r\nassignee: []\r\ncreated_date: \'2026-01-01 10:00\'\r\n---\r\n\r\nBody\r\n';
    const out = setTaskStatus(text, { status: 'In Progress', assignee: ['@orch'], now: new Date('2026-12-03T22:06:00Z') });
    expect(out).toBe("---\r\nid: TASK-5\r\ntitle: T\r\nstatus: In Progress\r\nassignee:\r\n  - '@orch'\r\ncreated_date: '2026-01-01 10:00'\r\nupdated_date: '2026-12-03 22:06'\r\n---\r\n\r\nBody\r\n");
    expect(setTaskStatus('no frontmatter', { status: 'Done', assignee: [], now: new Date() })).toBe('no frontmatter');
  });
});
