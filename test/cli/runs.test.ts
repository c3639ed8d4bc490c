import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';
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
