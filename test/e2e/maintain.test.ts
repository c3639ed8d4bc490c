import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';

type TaskJson = { id: string; module: string; status: string; removed?: boolean; title: string };

describe('orch maintain: maintenance templates on a module or the whole repository (A3)', () => {
  let sb: Sandbox | undefined;
  afterEach(() => {
    sb?.cleanup();
    sb = undefined;
  });

  it('runs the project override of a maintenance template on one module to merged, and a sync keeps the task', () => {
    sb = sandbox({
      'docs/plans/core-module/00-overview.md': '# Core\n\nThe core keeps the greeting.\n',
      'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }),
      // The fake agent writes every ```file: block of its prompt: the override decides what it does.
      '.orch/prompts/maintenance/docs.md': 'Document {{scope}} ({{kind}}).\n\n```file:docs/{{module}}.md\n# {{module}}\n\nDocs for {{scope}}.\n```\n',
    });
    const r = sb.orch('maintain', 'docs', '--module', 'core', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('started maintenance/docs-core');
    expect(readFileSync(join(sb.repo, 'docs/core.md'), 'utf8')).toBe('# core\n\nDocs for the core module.\n');
    expect(sb.git('log', '-1', '--format=%s', 'main').trim()).toBe('docs(core): docs maintenance of the core module');
    const calls = readFileSync(sb.agentLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { prompt: string });
    expect(calls.at(-1)?.prompt).toContain('The core keeps the greeting.');
    expect(sb.orch('sync').status).toBe(0);
    const listed = sb.orchJson<TaskJson[]>('list').find((t) => t.id === 'maintenance/docs-core');
    expect(listed).toMatchObject({ status: 'complete', module: 'core' });
    expect(listed?.removed ?? false).toBe(false);
    // The plan's own task is untouched by maintenance.
    expect(sb.orchJson<TaskJson[]>('list').find((t) => t.id === 'core/E01')?.status).toBe('not_started');
  });

  it('on the whole repository commits without a scope', () => {
    sb = sandbox({
      'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }),
      '.orch/prompts/maintenance/lint.md': 'Lint {{scope}}.\n\n```file:.editorconfig\nroot = true\n```\n',
    });
    const r = sb.orch('maintain', 'lint', '--wait', '--json');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { started: Array<{ taskId: string }>; report: { merged: string[] } };
    expect(out.started.map((s) => s.taskId)).toEqual(['maintenance/lint']);
    expect(out.report.merged).toEqual(['maintenance/lint']);
    expect(sb.git('log', '-1', '--format=%s', 'main').trim()).toBe('style: lint maintenance of the whole repository');
  });

  it('names the kinds and the modules when either is wrong, and starts nothing', () => {
    sb = sandbox({ 'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }) });
    const kind = sb.orch('maintain', 'polish');
    expect(kind.status).toBe(2);
    expect(kind.stderr).toContain('unknown maintenance kind "polish"; use one of: refactor, cleanup, optimize, docs, tests, security, lint');
    const mod = sb.orch('maintain', 'tests', '--module', 'billing');
    expect(mod.status).not.toBe(0);
    expect(mod.stderr).toContain('unknown module "billing"; modules in the plan: core');
    expect(sb.orchJson<TaskJson[]>('list').map((t) => t.id)).toEqual(['core/E01']);
  });
});
