import { afterEach, describe, expect, it } from 'vitest';
import { writeRepo } from '../plans/testing.js';
import { readSources } from './combine.js';
import { createMarkdownSource } from './markdown.js';
import { makeTask } from './task.js';
import type { PlanSource } from './types.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

function fixed(kind: PlanSource['kind'], prefix: string, tasks: { id: string; deps?: string[] }[]): PlanSource {
  return {
    kind,
    label: `${kind} tasks`,
    owns: (id) => id.startsWith(prefix),
    read: () =>
      Promise.resolve({
        tasks: tasks.map((t) => makeTask({ id: t.id, module: kind, epic: 0, title: t.id, body: '', file: '', dependsOn: t.deps ?? [] })),
        issues: [],
        modules: [],
      }),
  };
}

async function markdown(files: Record<string, string>, optional = false): Promise<PlanSource> {
  const repo = await writeRepo(files);
  cleanups.push(repo.cleanup);
  return createMarkdownSource({ root: repo.root, plansDir: 'docs/plans', optional });
}

describe('readSources', () => {
  it('reads the markdown plan exactly as parsePlan does when it is the only source', async () => {
    const md = await markdown({ 'docs/plans/billing/epic-01-a.md': '# A\n\nFirst.\n', 'docs/plans/billing/epic-02-b.md': '# B\n' });
    const read = await readSources([md]);
    expect(read.issues).toEqual([]);
    expect(read.tasks.map((t) => [t.id, t.dependsOn])).toEqual([
      ['billing/E01', []],
      ['billing/E02', ['billing/E01']],
    ]);
    expect(read.modules.map((m) => m.name)).toEqual(['billing']);
  });

  it('joins several sources and checks dependencies and cycles across them', async () => {
    const md = await markdown({ 'docs/plans/billing/epic-01-a.md': '# A\n' });
    const gh = fixed('github', 'gh/', [{ id: 'gh/1', deps: ['billing/E01'] }, { id: 'gh/2', deps: ['bd-9'] }]);
    const read = await readSources([md, gh]);
    expect(read.tasks.map((t) => t.id)).toEqual(['billing/E01', 'gh/1', 'gh/2']);
    expect(read.issues.map((i) => [i.code, i.message])).toEqual([['unknown_dependency', 'gh/2 depends on bd-9, which no configured source has']]);

    const a = fixed('github', 'gh/', [{ id: 'gh/1', deps: ['bd-1'] }]);
    const b = fixed('beads', 'bd-', [{ id: 'bd-1', deps: ['gh/1'] }]);
    const cyc = await readSources([a, b]);
    expect(cyc.issues.map((i) => [i.code, i.message])).toEqual([['cycle', 'dependency cycle: bd-1 -> gh/1 -> bd-1']]);
  });

  it('rejects an id claimed twice or outside its namespace', async () => {
    const a = fixed('github', 'gh/', [{ id: 'gh/1' }, { id: 'bd-1' }]);
    const b = fixed('beads', 'bd-', [{ id: 'bd-1' }]);
    const read = await readSources([a, b]);
    expect(read.tasks.map((t) => t.id)).toEqual(['gh/1', 'bd-1']);
    expect(read.issues).toHaveLength(1);
    expect(read.issues[0]).toMatchObject({ code: 'duplicate_id', message: 'task id bd-1 from github tasks is also claimed by beads tasks' });
  });

  it('a source that cannot be read is an error naming it, so nothing is synced', async () => {
    const md = await markdown({ 'docs/plans/billing/epic-01-a.md': '# A\n' });
    const down: PlanSource = { kind: 'github', label: 'GitHub issues labelled "orch"', owns: (id) => id.startsWith('gh/'), read: () => Promise.reject(new Error('HTTP 503')) };
    const read = await readSources([md, down]);
    expect(read.issues).toEqual([expect.objectContaining({ severity: 'error', code: 'source_error', message: 'cannot read GitHub issues labelled "orch": HTTP 503' })]);
  });

  it('a missing plans folder is only a warning when another source is configured', async () => {
    const alone = await readSources([await markdown({ 'README.md': 'x' })]);
    expect(alone.issues.map((i) => [i.code, i.severity])).toEqual([['no_plans_dir', 'error']]);
    const withGh = await readSources([await markdown({ 'README.md': 'x' }, true), fixed('github', 'gh/', [{ id: 'gh/3' }])]);
    expect(withGh.issues.map((i) => [i.code, i.severity])).toEqual([['no_plans_dir', 'warning']]);
    expect(withGh.tasks.map((t) => t.id)).toEqual(['gh/3']);
  });

  it('sources that answer as last time get the union made last time; any new answer is checked again', async () => {
    const md = await markdown({ 'docs/plans/billing/epic-01-a.md': '# A\n', 'docs/plans/billing/epic-02-b.md': '# B\n\nRequires billing/E01.\n' });
    const sources = [md];
    const first = await readSources(sources);
    const again = await readSources(sources);
    expect(again).toBe(first);
    // Another list of the same sources is its own union.
    expect(await readSources([md])).toEqual(first);
    // A source with fresh tasks each read (a tracker) is combined every time.
    const gh = [md, fixed('github', 'gh/', [{ id: 'gh/1', deps: ['billing/E02'] }])];
    const a = await readSources(gh);
    const b = await readSources(gh);
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
  });
});
