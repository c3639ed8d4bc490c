import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { installOrch, sh } from './cli.js';

// Issue 16: what runs leave behind on the target branch and how they end, seen through the built CLI.
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const subjects = (s: Sandbox): string[] => s.git('log', '--format=%s', 'main').trim().split('\n');

describe('maintenance', () => {
  it('a maintenance task that finds nothing to change succeeds: exit 0, task complete, nothing merged', async () => {
    sb = sandbox({
      'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }),
      // The fake agent writes only the ```file: blocks of its prompt: this one has none.
      '.orch/prompts/maintenance/lint.md': 'Lint {{scope}}; change nothing that is fine.\n',
    });
    installOrch(sb);
    const before = sb.git('rev-parse', 'main').trim();
    const r = await sh(sb, 'orch maintain lint --wait && echo clean');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('done maintenance/lint: the agent found nothing to change');
    expect(r.stdout).toMatch(/maintenance\/lint\s+done\s.*nothing to change/);
    expect(r.stdout).toContain('clean');
    expect(r.stdout).toContain('1 merged, 0 failed');
    expect(sb.git('rev-parse', 'main').trim()).toBe(before);
    const task = sb.orchJson<Array<{ id: string; status: string }>>('list').find((t) => t.id === 'maintenance/lint');
    expect(task?.status).toBe('complete');
  });
});

const README = '# Plan\n\n| Epic | Status |\n|---|---|\n| [A](core-module/epic-01-a.md) | 🔴 |\n';
const marks = (s: Sandbox): string[] => subjects(s).filter((l) => /^chore\(plan\): (start|reset)/.test(l));

describe('status commits on the target branch', () => {
  it('a failed task retried leaves one start/reset pair, not one per attempt; the merge marks it 🟢', async () => {
    sb = sandbox({ 'docs/plans/README.md': README, 'docs/plans/core-module/epic-01-a.md': epic('A', 'First. [[fake:nochange]]', { 'src/a.txt': 'a' }) });
    installOrch(sb);
    for (let i = 0; i < 3; i++) expect((await sh(sb, 'orch start core/E01 --wait')).status).toBe(1);
    expect(marks(sb)).toEqual(['chore(plan): reset core/E01 - A', 'chore(plan): start core/E01 - A']);
    sb.write('docs/plans/core-module/epic-01-a.md', epic('A', 'First.', { 'src/a.txt': 'a' }));
    sb.commitAll('fix the epic');
    expect(sb.orch('sync').status).toBe(0);
    const r = await sh(sb, 'orch start core/E01 --wait');
    expect(r.status, r.stdout).toBe(0);
    expect(marks(sb)).toHaveLength(2);
    expect(sb.git('show', 'main:docs/plans/README.md')).toContain('| 🟢 |');
  });

  it('status_commits = "merge-only": no start commit, the mark comes with the merge', async () => {
    sb = sandbox({
      'docs/plans/README.md': README,
      'docs/plans/core-module/epic-01-a.md': epic('A', 'First.', { 'src/a.txt': 'a' }),
      '.orch/config.toml': '[plan]\nstatus_commits = "merge-only"\n',
    });
    installOrch(sb);
    expect((await sh(sb, 'orch start --wait')).status).toBe(0);
    expect(subjects(sb)).toEqual(['feat(core): implement E01 - A', 'initial']);
    expect(sb.git('show', 'main:docs/plans/README.md')).toContain('| 🟢 |');
  });

  it('status_commits = "start-and-merge" (the default): a start commit, then the merge', async () => {
    sb = sandbox({ 'docs/plans/README.md': README, 'docs/plans/core-module/epic-01-a.md': epic('A', 'First.', { 'src/a.txt': 'a' }) });
    installOrch(sb);
    expect((await sh(sb, 'orch start --wait')).status).toBe(0);
    expect(subjects(sb)).toEqual(['feat(core): implement E01 - A', 'chore(plan): start core/E01 - A', 'initial']);
  });
});

describe('removing the epic of a running task', () => {
  it('orch sync stops the run, says so and counts it; nothing of it merges and its work is kept', async () => {
    sb = sandbox({
      'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing. [[fake:hang]]', { 'src/a.txt': 'a' }),
      'docs/plans/web-module/epic-01-b.md': epic('B', 'Web thing. [[fake:hang]]', { 'web/b.txt': 'b' }),
    });
    const s = sb;
    expect(s.orch('sync').status).toBe(0);
    expect(s.orch('start', 'core/E01').status).toBe(0);
    const run = await until(() => s.orchJson<{ active: Array<{ id: string; pid: number | null }> }>('status').active.find((r) => r.pid), 'the agent to run');
    rmSync(join(s.repo, 'docs/plans/core-module/epic-01-a.md'));
    const r = s.orch('sync');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('(0 added, 0 updated, 1 removed (1 of them running: stopped, nothing merged))');
    expect(r.stdout).toContain(`removed from the plan: core/E01: its running agent was stopped and nothing of it will merge; its work is kept on`);
    expect(r.stdout).toContain(`refs/orch/saved/${run.id}`);
    expect(r.stdout).toContain('put its file back and `orch start core/E01` continues it');
    await until(() => s.orchJson<{ runs: Array<{ state: string }> }>('show', 'core/E01').runs[0]?.state === 'stopped', 'the run to be stopped');
    expect(s.git('rev-parse', '--verify', '--quiet', `refs/orch/saved/${run.id}`).trim()).toMatch(/^[0-9a-f]{40}$/);
    expect(subjects(s).filter((l) => !l.startsWith('chore(plan): '))).toEqual(['initial']);
    expect(s.orchJson<{ active: unknown[] }>('status').active).toEqual([]);
    // A later sync does not count it again.
    expect(s.orch('sync').stdout).toContain('(nothing changed since the last sync)');
  });
});
