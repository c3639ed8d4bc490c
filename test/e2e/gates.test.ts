import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Report } from '../../src/api/index.js';
import { epic, sandbox, type Sandbox } from '../harness.js';
import { startModel } from './model.js';
import { showTask } from './runs.js';

// The project's test: fails until fixed.txt exists, and says in its output what would fix it (as a failing
// test's output tells a real agent); the simulated model writes the file blocks of the prompt it gets.
const CHECK = [
  "import { existsSync } from 'node:fs';",
  "if (existsSync('fixed.txt')) { console.log('1 test passed'); process.exit(0); }",
  "console.log('FAIL greet.test.js: expected fixed.txt. Write it:');",
  "console.log('```file:fixed.txt\\nfixed\\n```');",
  'process.exit(1);',
].join('\n');

describe('quality gates with the real Claude Code on the simulated model', () => {
  let model: { url: string; close: () => void };
  const boxes: Sandbox[] = [];
  beforeAll(async () => {
    model = await startModel();
  });
  afterAll(() => {
    for (const b of boxes) b.cleanup();
    model.close();
  });

  const project = (files: Record<string, string>, config: string): Sandbox => {
    const sb = sandbox(
      { ...files, '.orch/config.toml': config },
      { realClaude: true, env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CODE_MAX_RETRIES: '1' } },
    );
    sb.env.CLAUDE_CONFIG_DIR = join(sb.base, 'claude');
    boxes.push(sb);
    return sb;
  };

  it('a failing test goes back to the agent in its session with the output tail; the fixed change merges', async () => {
    const sb = project(
      { 'check.mjs': CHECK, 'docs/plans/core-module/epic-01-greet.md': epic('Greeting', 'A greeting.', { 'src/greet.js': 'export const greet = () => "hi";' }) },
      '[commands]\ntest = ["node", "check.mjs"]\n',
    );
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('show', 'main:fixed.txt').trim()).toBe('fixed');
    expect(sb.git('show', 'main:src/greet.js')).toContain('greet');
    const { runs } = await showTask(sb, 'core/E01');
    expect(runs[0]?.state).toBe('done');
    const logs = (await sb.orchAsync('logs', 'core/E01')).stdout;
    expect(logs).toMatch(/checks failed \(test \(node check\.mjs\) failed with exit code 1\); back to the agent in the same session \(attempt 1 of 2\)/);
    expect(logs).toMatch(/resuming session/);
  });

  it('checks failing after max_fix_attempts: never merged, waits for a person with the reason', async () => {
    const sb = project(
      { 'docs/plans/core-module/epic-01-greet.md': epic('Greeting', 'A greeting.', { 'src/greet.js': 'export const greet = () => "hi";' }) },
      '[commands]\nlint = ["node", "-e", "console.error(\'src/greet.js:1 no-var\'); process.exit(2)"]\n\n[forge]\nmax_fix_attempts = 1\n',
    );
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status).not.toBe(0);
    const shown = await showTask(sb, 'core/E01');
    expect(shown.task.status).toBe('needs_review');
    expect(shown.runs[0]?.state).toBe('waiting');
    expect(shown.runs[0]?.waitingReason).toMatch(/checks still failing after 1 fix attempt: lint \(node -e .*\) failed with exit code 2/);
    expect(() => sb.git('show', 'main:src/greet.js')).toThrow();
    // orch pr merge does not merge a change whose checks fail.
    expect((await sb.orchAsync('pr', 'merge', 'core/E01')).status).not.toBe(0);
    expect(() => sb.git('show', 'main:src/greet.js')).toThrow();
  });

  it('a deliverable the agent did not write goes back to it; the change merges with it', async () => {
    const sb = project(
      { 'docs/plans/core-module/epic-01-greet.md': epic('Greeting', 'A greeting.', { 'src/greet.js': 'export const greet = () => "hi";' }, 'deliverables: [src/greet.js, docs/greet.md]') },
      '',
    );
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('show', 'main:docs/greet.md')).toContain('Written by the simulated model');
    expect((await sb.orchAsync('logs', 'core/E01')).stdout).toMatch(/deliverables missing \(docs\/greet\.md\); back to the agent \(attempt 1 of 2\)/);
  });

  it('orch start tasks/DATE.yaml runs a daily task file as one batch with its budget; a bad file changes nothing', async () => {
    const daily = [
      'date: 2026-12-03',
      'max_cost_usd: 25.00',
      'tasks:',
      '  - id: task-001',
      '    name: "Write the glossary"',
      '    description: A glossary of the billing terms.',
      '    module: billing',
      '    estimated_complexity: low',
      '    deliverables:',
      '      - docs/glossary.md',
      '  - id: task-002',
      '    name: Invoice totals',
      '    description: Sum the invoice lines.',
      '    module: billing',
      '    depends_on: [task-001]',
      '    deliverables:',
      '      - src/totals.js',
      '',
    ].join('\n');
    const sb = project({ 'tasks/2026-12-03.yaml': daily, 'tasks/broken.yaml': 'date: 2026-12-03\nmax_cost_usd: lots\ntasks: []\n', 'docs/plans/README.md': '# Plan\n' }, '');
    const bad = await sb.orchAsync('start', 'tasks/broken.yaml');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/tasks\/broken\.yaml:2: max_cost_usd: got "lots", expected a positive number of US dollars\. Fix: write `max_cost_usd: 50\.00`/);
    expect(bad.stderr).toMatch(/Nothing was started/);
    const r = await sb.orchAsync('start', 'tasks/2026-12-03.yaml', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('show', 'main:docs/glossary.md')).toContain('Write the glossary');
    expect(sb.git('show', 'main:src/totals.js')).toContain('totals');
    const status = JSON.parse((await sb.orchAsync('status', '--json')).stdout) as { batches: Array<{ id: string; name: string | null; budgetUsd: number | null; scope: { tasks: string[] } }> };
    const batch = status.batches.find((b) => b.name === 'daily 2026-12-03');
    expect(batch?.budgetUsd).toBe(25);
    expect(batch?.scope.tasks).toEqual(['2026-12-03/task-001', '2026-12-03/task-002']);
    // P4: the report sets each task's time against its estimated_complexity (task-002 has none: medium).
    const report = Report.parse(JSON.parse((await sb.orchAsync('report', '--batch', batch?.id ?? '', '--json')).stdout));
    expect(report.tasks.map((t) => [t.taskId, t.complexity, t.estimateMs])).toEqual([
      ['2026-12-03/task-001', 'low', 3_600_000],
      ['2026-12-03/task-002', 'medium', 9_000_000],
    ]);
    expect(report.markdown).toMatch(/Time against estimates: 2 estimated tasks took \d+ s of 3\.5 h estimated \(\d+%\)\./);
    expect(report.markdown).toMatch(/\| 2026-12-03\/task-001 \| merged \| \d+ \| \d+ s of 1 h \(low\) \|/);
  });
});
