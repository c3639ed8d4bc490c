import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSources } from '../combine.js';
import { bdRunner } from './bd.js';
import { createBeadsSource, epicOf } from './source.js';

const fakeBd = resolve(import.meta.dirname, '../../../test/fixtures/beads/bd');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function beads(issues: object[], epic = '') {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bd-'));
  dirs.push(dir);
  const state = join(dir, 'issues.json');
  writeFileSync(state, JSON.stringify(issues));
  const env = { ...process.env, BD_FAKE_STATE: state, BD_FAKE_LOG: join(dir, 'calls.log') };
  let changes = 0;
  const src = createBeadsSource({ bd: bdRunner(fakeBd, dir, env), epic, claim: true, log: () => undefined });
  src.watch!(() => changes++);
  return { src, env, state: () => JSON.parse(readFileSync(state, 'utf8')) as Array<{ id: string; status: string; close_reason?: string; assignee?: string }>, calls: () => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n'), changes: () => changes };
}

const issue = (id: string, title: string, extra: object = {}) => ({ id, title, description: `Do ${title}.`, status: 'open', priority: 2, issue_type: 'task', ...extra });

describe('Beads as a source (fake bd following the documented JSON shapes)', () => {
  it('the ready set under an epic becomes tasks with hierarchical ids; claim, then close with a link, asks for a new sync', async () => {
    const b = beads(
      [
        issue('bd-a3f8', 'Auth epic', { issue_type: 'epic' }),
        issue('bd-a3f8.1', 'Login form', { priority: 0 }),
        issue('bd-a3f8.2', 'Session cookie', { depends_on: ['bd-a3f8.1'] }),
        issue('bd-b111', 'Unrelated'),
      ],
      'bd-a3f8',
    );
    const first = await readSources([b.src]);
    expect(first.issues).toEqual([]);
    expect(first.tasks.map((t) => [t.id, t.module, t.priority])).toEqual([['bd-a3f8.1', 'bd-a3f8', 'high']]);
    expect(first.tasks[0]!.body).toContain('Do Login form.');

    expect(await b.src.claim!('bd-a3f8.1')).toEqual({ ok: true });
    expect(b.state().find((i) => i.id === 'bd-a3f8.1')?.status).toBe('in_progress');
    // Claimed issues leave `bd ready` but stay tasks.
    expect((await readSources([b.src])).tasks.map((t) => t.id)).toEqual(['bd-a3f8.1']);

    await b.src.report!({ taskId: 'bd-a3f8.1', status: 'complete', prUrl: 'https://example.test/pull/3' });
    expect(b.state().find((i) => i.id === 'bd-a3f8.1')).toMatchObject({ status: 'closed', close_reason: 'Merged by Orch in https://example.test/pull/3' });
    expect(b.changes()).toBe(1);
    // Closed by Orch: a complete task, no longer holding its dependent back.
    const after = await readSources([b.src]);
    expect(after.tasks.map((t) => [t.id, t.planStatus ?? null, t.dependsOn])).toEqual([
      ['bd-a3f8.1', 'complete', []],
      ['bd-a3f8.2', null, []],
    ]);
    expect(b.calls()).toContain('update bd-a3f8.1 --claim --actor orch --json');
    expect(b.calls()).toContain('show bd-a3f8.2 --json');
  });

  it('a failed run gives the issue back; a missing bd fails the sync naming the source', async () => {
    const b = beads([issue('bd-c1', 'One')]);
    await b.src.claim!('bd-c1');
    await b.src.report!({ taskId: 'bd-c1', status: 'failed' });
    expect(b.state()[0]?.status).toBe('open');
    const missing = createBeadsSource({ bd: bdRunner('bd-not-installed-here', tmpdir(), process.env), epic: '', claim: true, log: () => undefined });
    const read = await readSources([missing]);
    expect(read.issues[0]).toMatchObject({ code: 'source_error', message: expect.stringContaining('bd-not-installed-here is not installed') });
    expect(epicOf('bd-a3f8.1.2')).toBe('bd-a3f8');
  });

  it('an issue closed outside Orch leaves the set, claimed or not; one Orch closed stays complete', async () => {
    const b = beads([issue('bd-d1', 'Done by Orch'), issue('bd-d2', 'Claimed, then closed by a person'), issue('bd-d3', 'Closed by a person')]);
    await b.src.report!({ taskId: 'bd-d1', status: 'complete', mergeCommit: 'abc' });
    await b.src.claim!('bd-d2');
    expect((await readSources([b.src])).tasks.map((t) => t.id)).toEqual(['bd-d1', 'bd-d2', 'bd-d3']);
    const closeOutside = (id: string) => execFileSync(fakeBd, ['close', id, '--reason', 'not needed', '--json'], { env: b.env });
    closeOutside('bd-d2');
    closeOutside('bd-d3');
    const read = await readSources([b.src]);
    expect(read.tasks.map((t) => [t.id, t.planStatus ?? null])).toEqual([['bd-d1', 'complete']]);
    expect(b.calls()).toContain('list --status closed --json');
  });

  it('an issue in progress under someone else is no task (Orch never starts it); one Orch claimed stays', async () => {
    const logs: string[] = [];
    const b = beads([
      issue('bd-e1', 'Open'),
      issue('bd-e2', 'Taken by Ann', { status: 'in_progress', assignee: 'ann' }),
      issue('bd-e3', 'In progress, no assignee', { status: 'in_progress' }),
    ]);
    const src = createBeadsSource({ bd: bdRunner(fakeBd, tmpdir(), b.env), epic: '', claim: true, log: (m) => logs.push(m) });
    expect((await readSources([src])).tasks.map((t) => t.id)).toEqual(['bd-e1']);
    expect(logs).toEqual(['Beads: in progress under someone else, not started by Orch: bd-e2 (ann), bd-e3 (no assignee)']);
    expect(await src.claim!('bd-e1')).toEqual({ ok: true });
    // Its own claim again (a retry, a restart) is no conflict.
    expect(await src.claim!('bd-e1')).toEqual({ ok: true });
    expect(b.state().find((i) => i.id === 'bd-e1')).toMatchObject({ status: 'in_progress', assignee: 'orch' });
    expect((await readSources([src])).tasks.map((t) => t.id)).toEqual(['bd-e1']);
    // Said once, not at every sync.
    expect(logs).toHaveLength(1);
    // Another actor's Orch (or a person) claiming it takes it out of this one's set.
    const other = createBeadsSource({ bd: bdRunner(fakeBd, tmpdir(), b.env), epic: '', claim: true, actor: 'orch-ci', log: () => undefined });
    expect((await readSources([other])).tasks.map((t) => t.id)).toEqual([]);
  });

  it('a claim another actor won first is refused with who holds it; the failed run does not reopen their issue', async () => {
    const b = beads([issue('bd-f1', 'Raced')]);
    expect((await readSources([b.src])).tasks.map((t) => t.id)).toEqual(['bd-f1']);
    // Between Orch's `bd ready` and its claim, alice claims it.
    execFileSync(fakeBd, ['update', 'bd-f1', '--claim', '--actor', 'alice', '--json'], { env: b.env });
    const c = await b.src.claim!('bd-f1');
    expect(c).toMatchObject({ ok: false, reason: expect.stringContaining('bd-f1 was claimed in Beads by alice before Orch could claim it, so Orch did not run it') });
    expect(b.changes()).toBe(1);
    await b.src.report!({ taskId: 'bd-f1', status: 'failed' });
    expect(b.state()[0]).toMatchObject({ status: 'in_progress', assignee: 'alice' });
    expect((await readSources([b.src])).tasks).toEqual([]);
  });
});
