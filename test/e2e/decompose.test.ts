import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epic, repoRootDir, sandbox, type Sandbox } from '../harness.js';

let model: { url: string; close: () => void };
let sb: Sandbox;
let proposals: string;

/** The simulated model with the planner's proposals scripted: attempt N of a conversation gets proposal N. */
beforeAll(async () => {
  sb = sandbox({ 'README.md': '# app\n', 'docs/plans/core/epic-01-base.md': epic('Base', 'The base.', { 'src/base.js': 'base' }) }, { realClaude: true });
  proposals = join(sb.base, 'proposals.json');
  const child: ChildProcess = spawn(process.execPath, [join(repoRootDir, 'test/fixtures/planner-model.mjs')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PLANNER_MODEL_DECOMPOSE: proposals } });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`planner model exited with ${c}`)));
  });
  model = { url: url.trim(), close: () => child.kill() };
  // The CLI's config dir exists, as after a login: the sandbox keeps only existing dirs writable, and the retry
  // resumes the planner's session from it.
  mkdirSync(join(sb.base, 'claude'));
  Object.assign(sb.env, { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CODE_MAX_RETRIES: '1', CLAUDE_CONFIG_DIR: join(sb.base, 'claude') });
});
afterAll(() => {
  sb.cleanup();
  model.close();
});

const overview = { path: 'docs/plans/search/00-overview.md', content: '# Search\n\nFull-text search over notes.' };
const index = (deps: string) => ({ path: 'docs/plans/search/epic-01-index.md', content: `---\npriority: high\ndepends_on: [${deps}]\n---\n# Build the index\n\nIndex every note.\n\n## Acceptance criteria\n\n- src/search/index.js exists` });
const query = { path: 'docs/plans/search/epic-02-query.md', content: '---\ndepends_on: [E01]\ntouches: [src/search/**]\n---\n# Query the index\n\nAnswer queries.\n\n## Acceptance criteria\n\n- src/search/query.js exists' };

describe('orch plan decompose and orch plan diff, with the real Claude Code as the planner on the simulated model', () => {
  it('a spec becomes a validated plan on plan/<slug> after one invalid proposal; diff shows it; merged, it syncs; the user\'s branch and edits are untouched', async () => {
    const s = sb;
    // The first proposal names an epic that does not exist: it goes back to the planner with the parser's error.
    writeFileSync(proposals, JSON.stringify([[overview, index('search/E09'), query], [overview, index('core/E01'), query]]));
    s.write('specs/search.md', '# Search\n\nUsers search their notes by words; results in under 100 ms.\n');
    s.git('switch', '-q', '-c', 'my-work');
    s.write('README.md', '# app, being edited\n');

    const made = s.orch('plan', 'decompose', 'specs/search.md');
    expect(made.status, made.stdout + made.stderr).toBe(0);
    expect(made.stdout).toContain('created branch plan/search from main');
    expect(made.stdout).toContain('2 attempts');
    expect(made.stdout).toContain('+ docs/plans/search/epic-02-query.md');
    // The branch lists its new epics in the plan's status table too.
    expect(made.stdout).toContain('+ docs/plans/README.md');
    expect(s.git('show', 'plan/search:docs/plans/README.md')).toContain('| [search/E02](search/epic-02-query.md) | Query the index | 🔴 | |');
    expect(made.stdout).toMatch(/\+ search\/E01 {2}Build the index {2}after core\/E01/);
    expect(made.stdout).toContain('merge:  git merge plan/search && orch sync');
    expect(s.git('branch', '--show-current').trim()).toBe('my-work');
    expect(s.git('status', '--porcelain')).toBe(' M README.md\n?? specs/\n');

    const diff = s.orch('plan', 'diff');
    expect(diff.status, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('epics: 2 added, 0 changed, 0 removed');
    const json = s.orchJson<{ added: Array<{ id: string; dependsOn: string[] }> }>('plan', 'diff', 'plan/search');
    expect(json.added.map((t) => [t.id, t.dependsOn])).toEqual([['search/E01', ['core/E01']], ['search/E02', ['search/E01']]]);
    expect(s.orch('plan', 'diff', 'plan/nope').status).toBe(2);
    const again = s.orch('plan', 'decompose', 'specs/search.md');
    expect([again.status, again.stderr]).toEqual([2, expect.stringContaining('branch plan/search already exists')]);
    expect(s.orch('plan', 'decompose', 'specs/missing.md').status).toBe(2);

    // A planner whose every proposal is invalid: nothing is made, exit code 1, the parser's words shown.
    writeFileSync(proposals, JSON.stringify([[{ path: 'docs/plans/ops/epic-01-x.md', content: '---\ndepends_on: [ops/E07]\n---\n# X\n\nX.' }]]));
    const bad = s.orch('plan', 'decompose', 'specs/search.md', '--module', 'ops');
    expect(bad.status, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stderr).toContain('docs/plans/ops/epic-01-x.md:2');
    expect(bad.stderr).toContain('no plan was made');
    expect(s.git('branch', '--list', 'plan/ops')).toBe('');

    // Merging is the user's act; the merged plan syncs.
    s.git('stash', '-q', '-u');
    s.git('switch', '-q', 'main');
    s.git('merge', '-q', '--ff-only', 'plan/search');
    const sync = s.orch('sync');
    expect(sync.status, sync.stdout + sync.stderr).toBe(0);
    expect(s.orchJson<Array<{ id: string }>>('list').map((t) => t.id)).toEqual(['core/E01', 'search/E01', 'search/E02']);
    expect(sync.stdout).toContain('added core/E01 to the status table');
  }, 180_000);
});
