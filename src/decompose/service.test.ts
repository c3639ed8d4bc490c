import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../git/testing.js';
import { parseProposal, slugOf } from './proposal.js';
import { createDecomposer, type PlannerTurn } from './service.js';

let repo: TempRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

const block = (path: string, content: string) => '```file:' + path + '\n' + content + '\n```';
const epic = (title: string, front = '') => `${front ? `---\n${front}\n---\n` : ''}# ${title}\n\nDo ${title}.\n\n## Acceptance criteria\n\n- done\n`;

/** A planner whose answers are scripted; it records each prompt and whether the session was resumed. */
function scripted(answers: string[], o: { noResume?: boolean } = {}): PlannerTurn & { calls: Array<{ prompt: string; resume?: string }> } {
  const calls: Array<{ prompt: string; resume?: string }> = [];
  const fn = (async (prompt: string, resume?: string) => {
    if (resume && o.noResume) throw new Error(`No conversation found with session ID: ${resume}`);
    calls.push({ prompt, ...(resume ? { resume } : {}) });
    const text = answers[calls.length - 1];
    if (text === undefined) throw new Error('the planner (scripted) failed: no more answers');
    return { text, sessionId: 'sess-1' };
  }) as PlannerTurn & { calls: typeof calls };
  fn.calls = calls;
  return fn;
}

async function setup(answers: string[], o: { noResume?: boolean } = {}) {
  repo = await makeTempRepo({ files: { 'README.md': '# app\n', 'docs/plans/core/epic-01-base.md': epic('Base') } });
  // The user is on another branch with uncommitted work: decompose must leave all of it alone.
  await repo.git.ok(['switch', '-q', '-c', 'feature'], { cwd: repo.root });
  await repo.write({ 'wip.txt': 'unsaved\n', 'README.md': '# app, edited\n' });
  const ask = scripted(answers, o);
  const d = createDecomposer({ git: repo.git, root: repo.root, targetBranch: 'main', plansDir: 'docs/plans', ask, scratchDir: repo.dir, log: () => undefined });
  return { d, ask, r: repo };
}

describe('plan decompose', () => {
  it('an invalid proposal goes back to the planner with the parser\'s errors; the valid one lands on plan/<slug> from main, the checkout untouched', async () => {
    const cyclic = [
      block('docs/plans/auth/00-overview.md', '# Auth\n\nLogin and sessions.'),
      block('docs/plans/auth/epic-01-login.md', epic('Login', 'depends_on: [auth/E02]')),
      block('docs/plans/auth/epic-02-session.md', epic('Session', 'depends_on: [auth/E01]')),
    ].join('\n\n');
    const valid = [
      block('docs/plans/auth/00-overview.md', '# Auth\n\nLogin and sessions.'),
      block('docs/plans/auth/epic-01-login.md', epic('Login', 'priority: high\ndepends_on: [core/E01]')),
      block('docs/plans/auth/epic-02-session.md', epic('Session', 'depends_on: [auth/E01]\ntouches: [src/session/**]')),
    ].join('\n\n');
    const { d, ask, r } = await setup([cyclic, `Here is the fixed plan.\n\n${valid}`]);
    const result = await d.decompose({ name: 'specs/auth.md', spec: '# Auth & sessions\n\nUsers log in; sessions last a day.\n' });

    expect(result).toMatchObject({ ok: true, branch: 'plan/auth-sessions', target: 'main', attempts: 2 });
    expect(ask.calls[0]!.prompt).toContain('Orch plan decomposition');
    expect(ask.calls[0]!.prompt).toContain('- core/E01 Base (docs/plans/core/epic-01-base.md)');
    expect(ask.calls[1]).toMatchObject({ resume: 'sess-1', prompt: expect.stringContaining('dependency cycle') });
    expect(result.files.map((f) => [f.path, f.change])).toEqual([
      ['docs/plans/auth/00-overview.md', 'added'],
      ['docs/plans/auth/epic-01-login.md', 'added'],
      ['docs/plans/auth/epic-02-session.md', 'added'],
      ['docs/plans/README.md', 'added'],
    ]);
    expect(result.diff?.added.map((t) => [t.id, t.dependsOn])).toEqual([
      ['auth/E01', ['core/E01']],
      ['auth/E02', ['auth/E01']],
    ]);
    const git = (...a: string[]) => r.git.ok(a, { cwd: r.root });
    expect((await git('rev-parse', 'plan/auth-sessions~1')).trim()).toBe((await git('rev-parse', 'main')).trim());
    expect(await git('show', 'plan/auth-sessions:docs/plans/auth/epic-02-session.md')).toContain('touches: [src/session/**]');
    expect((await git('branch', '--show-current')).trim()).toBe('feature');
    expect(await git('status', '--porcelain')).toBe(' M README.md\n?? wip.txt\n');
    expect(readFileSync(join(r.root, 'README.md'), 'utf8')).toBe('# app, edited\n');
    // The status table lists the new epics (not the ones already on main: orch sync adds those with their marks).
    const table = await git('show', 'plan/auth-sessions:docs/plans/README.md');
    expect(table).toContain('## auth\n\n| Epic | Title | Status | Notes |\n|---|---|---|---|\n| [auth/E01](auth/epic-01-login.md) | Login | 🔴 | |\n| [auth/E02](auth/epic-02-session.md) | Session | 🔴 | |\n');
    expect(table).not.toContain('core/E01');

    // The diff of the branch says the same; a second decompose to the same branch is refused.
    const diff = await d.diff('');
    expect(diff).toMatchObject({ branch: 'plan/auth-sessions', changed: [], removed: [], issues: [] });
    expect(diff.added.map((t) => t.id)).toEqual(['auth/E01', 'auth/E02']);
    await expect(d.decompose({ name: 'specs/auth.md', spec: '# Auth & sessions\n' })).rejects.toMatchObject({ code: 'branch_exists', status: 409 });
  });

  it('gives up after three invalid proposals with the last errors and writes nothing; a failing planner is a result, not a crash', async () => {
    const outside = block('src/evil.js', 'process.exit(1)');
    const { d, ask, r } = await setup([outside, outside, outside]);
    const result = await d.decompose({ name: 'x.md', spec: 'Something.', module: 'search' });
    expect(result).toMatchObject({ ok: false, branch: null, attempts: 3 });
    expect(result.problems[0]).toContain('src/evil.js is not a markdown file inside docs/plans/');
    expect(ask.calls).toHaveLength(3);
    expect(await r.git.ok(['branch', '--list', 'plan/*'], { cwd: r.root })).toBe('');
    const failing = await d.decompose({ name: 'x.md', spec: 'Something.' });
    expect(failing).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining('no more answers') });
    await expect(d.decompose({ name: 'x.md', spec: 'x', module: '../etc' })).rejects.toMatchObject({ code: 'bad_module' });
  });
});

describe('plan decompose without a resumable session', () => {
  it('asks anew with the whole request and the parser\'s errors', async () => {
    const bad = block('docs/plans/auth/epic-01-login.md', epic('Login', 'depends_on: [auth/E05]'));
    const good = block('docs/plans/auth/epic-01-login.md', epic('Login'));
    const { d, ask } = await setup([bad, good], { noResume: true });
    const result = await d.decompose({ name: 'auth.md', spec: 'Log in.', module: 'auth' });
    expect(result).toMatchObject({ ok: true, branch: 'plan/auth', attempts: 2 });
    expect(ask.calls[1]!.resume).toBeUndefined();
    expect(ask.calls[1]!.prompt).toMatch(/^Orch plan decomposition\.[\s\S]*Log in\.[\s\S]*depends on auth\/E05, which does not exist/);
  });
});

describe('parseProposal', () => {
  it('keeps code blocks inside an epic, rejects paths outside the plan or the module, and slugs names', () => {
    const text = [
      'Intro text.',
      block('docs/plans/search/epic-01-index.md', '# Index\n\n```js\nindex()\n```\n\nMore.'),
      block('docs/plans/../../etc/passwd.md', 'x'),
      block('docs/plans/billing/epic-01-x.md', '# X'),
    ].join('\n\n');
    const p = parseProposal(text, 'docs/plans', 'search');
    expect(p.files).toEqual([{ path: 'docs/plans/search/epic-01-index.md', content: '# Index\n\n```js\nindex()\n```\n\nMore.\n' }]);
    expect(p.problems).toHaveLength(2);
    expect(p.problems[1]).toContain('outside module search');
    expect(slugOf('Billing & Invoices: v2!')).toBe('billing-invoices-v2');
    expect(slugOf('日本')).toBe('plan');
  });

  it('adds the new epics to the status table of the README on the target, keeping what is there', async () => {
    const { d, r } = await setup([block('docs/plans/core/epic-02-more.md', epic('More'))]);
    const readme = '# Plan\n\n## core\n\n| Epic | Title | Status |\n|---|---|---|\n| [core/E01](core/epic-01-base.md) | Base | 🟢 |\n\nNotes of ours.\n';
    await r.git.ok(['switch', '-q', 'main'], { cwd: r.root });
    await r.write({ 'docs/plans/README.md': readme });
    await r.git.ok(['add', 'docs/plans/README.md'], { cwd: r.root });
    await r.git.ok(['commit', '-q', '-m', 'plan readme'], { cwd: r.root });
    const result = await d.decompose({ name: 'more.md', spec: '# More\n' });
    expect(result.files).toContainEqual({ path: 'docs/plans/README.md', change: 'changed' });
    const table = await r.git.ok(['show', 'plan/more:docs/plans/README.md'], { cwd: r.root });
    expect(table).toBe(readme.replace('| Base | 🟢 |\n', '| Base | 🟢 |\n| [core/E02](core/epic-02-more.md) | More | 🔴 |\n'));
  });
});
