import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { epic, sandbox, type Sandbox } from '../harness.js';
import { installOrch, sh } from './cli.js';

// Issue 16: what `orch sync` says about the plan, seen through the built CLI in a temporary repository and HOME.
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

const plan = (): Record<string, string> => ({
  'docs/plans/core-module/epic-01-a.md': epic('A', 'First thing.', { 'src/a.txt': 'a' }),
  'docs/plans/core-module/epic-02-b.md': epic('B', 'Second thing.', { 'src/b.txt': 'b' }),
  'docs/plans/web-module/epic-01-c.md': epic('C', 'Web thing.', { 'web/c.txt': 'c' }),
});

describe('orch sync counts what changed since the last sync the user saw', () => {
  it('the first sync (it starts the daemon) counts every task; no edits say nothing changed, also after runs merged', async () => {
    sb = sandbox(plan());
    installOrch(sb);
    const first = sb.orch('sync');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('synced 3 tasks in 2 modules (3 added, 0 updated, 0 removed)');
    expect(first.stdout).toContain('docs/plans/README.md: status table created with 3 epics');
    expect(sb.orch('sync').stdout).toContain('(nothing changed since the last sync)');
    expect((await sh(sb, 'orch start --wait')).status).toBe(0);
    expect(sb.git('show', 'main:docs/plans/README.md').match(/\| 🟢 \|/g)).toHaveLength(3);
    // The runs moved statuses and plan marks; the plan's text did not change.
    const after = sb.orch('sync');
    expect(after.stdout).toContain('synced 3 tasks in 2 modules (nothing changed since the last sync)');
    expect(sb.orchJson<{ added: string[]; updated: string[]; removed: string[] }>('sync')).toMatchObject({ added: [], updated: [], removed: [] });
  });

  it('edits seen by a daemon that another command started (and that stopped since) are told by the next orch sync', () => {
    sb = sandbox(plan());
    expect(sb.orch('sync').status).toBe(0);
    expect(sb.orch('daemon', 'stop').status).toBe(0);
    sb.write('docs/plans/core-module/epic-02-b.md', epic('B renamed', 'Second thing.', { 'src/b.txt': 'b' }));
    sb.write('docs/plans/core-module/epic-03-d.md', epic('D', 'Third thing.', { 'src/d.txt': 'd' }));
    // `orch list` starts a daemon, which reads the plan: nobody saw what changed yet.
    expect(sb.orch('list').stdout).toContain('B renamed');
    expect(sb.orch('daemon', 'stop').status).toBe(0);
    const r = sb.orch('sync');
    expect(r.stdout).toContain('synced 4 tasks in 2 modules (1 added, 1 updated, 0 removed)');
    expect(sb.orch('sync').stdout).toContain('(nothing changed since the last sync)');
  });
});

describe('the plan edited while tasks run', () => {
  it('sync warns that the edit is not committed; start says merges go on; they do, and the edit stays', async () => {
    sb = sandbox(plan());
    installOrch(sb);
    expect(sb.orch('sync').status).toBe(0);
    const edited = epic('B', 'Second thing, said better.', { 'src/b.txt': 'b' });
    sb.write('docs/plans/core-module/epic-02-b.md', edited);
    const synced = sb.orch('sync');
    expect(synced.status).toBe(0);
    expect(synced.stdout).toContain('(0 added, 1 updated, 0 removed)');
    expect(synced.stderr).toContain('docs/plans/core-module/epic-02-b.md: warning this plan file is not committed: Orch plans with the edit, but agents read the committed plan');
    expect(synced.stderr).toContain('git add docs/plans && git commit');
    const r = await sh(sb, 'orch start --wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: main is checked out in \S+ with uncommitted plan edits \(docs\/plans\/core-module\/epic-02-b\.md\): merges go on unless they change those files/);
    expect(r.stdout).toContain('all merged');
    expect(readFileSync(join(sb.repo, 'docs/plans/core-module/epic-02-b.md'), 'utf8')).toBe(edited);
  });

  it('the project config edited and not committed (as orch tui settings write it): merges go on, the edit stays', async () => {
    sb = sandbox({ ...plan(), '.orch/config.toml': '# project settings\nmax_parallel_agents = 3 # agents at once\n' });
    installOrch(sb);
    sb.write('.orch/config.toml', '# project settings\nmax_parallel_agents = 2 # agents at once\n');
    const r = await sh(sb, 'orch start --wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: main is checked out in \S+ with uncommitted config edits \(\.orch\/config\.toml\): merges go on unless they change those files/);
    expect(r.stdout).toContain('all merged');
    expect(readFileSync(join(sb.repo, '.orch/config.toml'), 'utf8')).toBe('# project settings\nmax_parallel_agents = 2 # agents at once\n');
    expect(sb.git('status', '--porcelain', '--untracked-files=no').trim()).toBe('M .orch/config.toml');
  });

  it('orch start without --wait warns when the target checkout has other uncommitted changes', () => {
    sb = sandbox({ ...plan(), 'README.md': 'hello\n' });
    sb.write('README.md', 'edited, not committed\n');
    const r = sb.orch('start', 'web/E01');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: main is checked out in \S+ with uncommitted changes \(README\.md\): merges into main wait until you commit or stash them/);
    expect(r.stdout).toContain('started web/E01');
  });
});

describe('the plan status table (docs/plans/README.md)', () => {
  it('is created by orch sync, extended with new epics, and rows Orch cannot read are warned about', () => {
    sb = sandbox(plan());
    const s = sb;
    expect(s.orch('sync').status).toBe(0);
    expect(s.git('log', '-1', '--format=%s', 'main').trim()).toBe('chore(plan): status table for 3 epics');
    const table = readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8');
    expect(table).toContain('## core\n\n| Epic | Title | Status | Notes |\n|---|---|---|---|\n| [core/E01](core-module/epic-01-a.md) | A | 🔴 | |\n| [core/E02](core-module/epic-02-b.md) | B | 🔴 | |\n');
    expect(table).toContain('| [web/E01](web-module/epic-01-c.md) | C | 🔴 | |');
    s.write('docs/plans/core-module/epic-03-d.md', epic('D', 'Third thing.', { 'src/d.txt': 'd' }));
    s.write('docs/plans/README.md', `${table}\n## Later\n\n| Epic | Status |\n|---|---|\n| something | 🟡 |\n| [X](core-module/epic-09-x.md) | 🔴 |\n`);
    s.commitAll('plan: more');
    const r = s.orch('sync');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('docs/plans/README.md: added core/E03 to the status table');
    expect(readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8')).toContain('| [core/E02](core-module/epic-02-b.md) | B | 🔴 | |\n| [core/E03](core-module/epic-03-d.md) | D | 🔴 | |\n');
    expect(r.stderr).toMatch(/docs\/plans\/README\.md:\d+: warning Orch cannot read this status row: names no epic/);
    expect(r.stderr).toMatch(/docs\/plans\/README\.md:\d+: warning this status row names docs\/plans\/core-module\/epic-09-x\.md, which is not an epic of the plan/);
    // Nothing changed since: each further sync tells the same findings (the second from what the first found).
    for (let i = 0; i < 2; i++) {
      const again = s.orch('sync');
      expect(again.stdout).not.toContain('status table');
      expect(again.stderr).toMatch(/docs\/plans\/README\.md:\d+: warning Orch cannot read this status row: names no epic/);
      expect(again.stderr).toMatch(/docs\/plans\/README\.md:\d+: warning this status row names docs\/plans\/core-module\/epic-09-x\.md, which is not an epic of the plan/);
    }
    // The README being edited: the epic cannot be added, and sync says so.
    s.write('docs/plans/web-module/epic-02-e.md', epic('E', 'Web two.', { 'web/e.txt': 'e' }));
    s.write('docs/plans/README.md', `${readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8')}\nnotes in progress\n`);
    const dirty = s.orch('sync');
    expect(dirty.stderr).toMatch(/docs\/plans\/README\.md: warning 1 epic is missing from the status table \(web\/E02\); Orch could not add it to main: .*docs\/plans\/README\.md/);
  });

  it('drops the rows of epics removed from the plan, with a warning; a row that never named an epic stays', () => {
    sb = sandbox(plan());
    const s = sb;
    expect(s.orch('sync').status).toBe(0);
    const table = readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8');
    s.write('docs/plans/README.md', `${table}\n## Later\n\n| Epic | Status |\n|---|---|\n| [X](core-module/epic-09-x.md) | 🔴 |\n`);
    s.git('rm', '-q', 'docs/plans/core-module/epic-02-b.md');
    s.write('docs/plans/web-module/epic-02-d.md', epic('D', 'Web two.', { 'web/d.txt': 'd' }));
    s.commitAll('plan: core/E02 is not wanted');
    const r = s.orch('sync');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('docs/plans/README.md: added web/E02 to the status table; dropped core/E02 from the status table (removed from the plan) (committed as chore(plan))');
    expect(r.stderr).toContain('docs/plans/README.md: warning dropped the status row of core/E02: its epic was removed from the plan');
    expect(r.stderr).toMatch(/warning this status row names docs\/plans\/core-module\/epic-09-x\.md, which is not an epic of the plan/);
    expect(s.git('log', '-1', '--format=%s', 'main').trim()).toBe('chore(plan): status table: add web/E02; drop core/E02');
    const after = readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8');
    expect(after).toContain('| [core/E01](core-module/epic-01-a.md) | A | 🔴 | |\n\n## web');
    expect(after).not.toContain('core/E02');
    expect(after).toContain('| [X](core-module/epic-09-x.md) | 🔴 |');
    // Said once: the next sync finds nothing to drop.
    const again = s.orch('sync');
    expect(again.stderr).not.toContain('core/E02');
    expect(again.stdout).not.toContain('status table');
  });

  it('a renamed epic file keeps its row: the link follows the file, the task is listed once, nothing is warned twice', () => {
    sb = sandbox(plan());
    const s = sb;
    expect(s.orch('sync').status).toBe(0);
    s.git('mv', 'docs/plans/web-module/epic-01-c.md', 'docs/plans/web-module/epic-01-checkout.md');
    s.commitAll('plan: a better file name');
    const r = s.orch('sync');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('docs/plans/README.md: linked web/E01 to its renamed file (committed as chore(plan))');
    expect(r.stderr).toBe('');
    expect(s.git('log', '-1', '--format=%s', 'main').trim()).toBe('chore(plan): status table: link web/E01 to its renamed file');
    const after = readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8');
    expect(after.match(/web\/E01/g)).toHaveLength(1);
    expect(after.match(/## web/g)).toHaveLength(1);
    expect(after).toContain('| [web/E01](web-module/epic-01-checkout.md) | C | 🔴 | |');
    // A row for a file that is gone and names no epic of the plan is still said, once.
    s.write('docs/plans/README.md', `${after}\n## Later\n\n| Epic | Status |\n|---|---|\n| [X](core-module/epic-09-x.md) | 🔴 |\n`);
    s.commitAll('plan: a stray row');
    const stray = s.orch('sync');
    expect(stray.stderr.match(/epic-09-x\.md/g)).toHaveLength(1);
  });

  it('stale duplicate rows an older Orch left for a renamed epic: warned with what to do; sync --fix removes them, never a row holding something', () => {
    sb = sandbox(plan());
    const s = sb;
    expect(s.orch('sync').status).toBe(0);
    // What the old rename bug wrote: a second `## web` section listing the epic by its new file.
    s.git('mv', 'docs/plans/web-module/epic-01-c.md', 'docs/plans/web-module/epic-01-checkout.md');
    const table = readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8');
    s.write('docs/plans/README.md', `${table}\n## web\n\n| Epic | Title | Status | Notes |\n|---|---|---|---|\n| [web/E01](web-module/epic-01-checkout.md) | C | 🔴 | |\n`);
    s.commitAll('plan: renamed by an older orch');
    const warned = s.orch('sync');
    expect(warned.status, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/docs\/plans\/README\.md:\d+: warning this status row lists web\/E01 by docs\/plans\/web-module\/epic-01-c\.md, a file that is gone; line \d+ lists web\/E01 by its file now\n  fix: `orch sync --fix` removes this duplicate row/);
    expect(warned.stderr).not.toContain('not an epic of the plan');
    // A stale row with a note of its own is kept by --fix, and the warning says what to move.
    const before = readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8');
    s.write('docs/plans/README.md', before.replace('| [core/E02](core-module/epic-02-b.md) | B | 🔴 | |', '| [core/E02](core-module/epic-02-b.md) | B | 🔴 | |\n| [core/E02](core-module/epic-02-old.md) | B | 🔴 | ask Ann |'));
    s.commitAll('plan: another stale row, with a note');
    const fixed = s.orch('sync', '--fix');
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('docs/plans/README.md: removed the stale duplicate row of web/E01 (linking docs/plans/web-module/epic-01-c.md, which is gone) (committed as chore(plan))');
    expect(s.git('log', '-1', '--format=%s', 'main').trim()).toBe('chore(plan): status table: remove the stale duplicate row of web/E01');
    expect(fixed.stderr).toMatch(/warning this status row lists core\/E02 by docs\/plans\/core-module\/epic-02-old\.md.*\n  fix: this row holds Notes "ask Ann", which line \d+ does not/);
    const after = readFileSync(join(s.repo, 'docs/plans/README.md'), 'utf8');
    expect(after.match(/web\/E01/g)).toHaveLength(1);
    expect(after).toContain('| [web/E01](web-module/epic-01-checkout.md) | C | 🔴 | |');
    expect(after).toContain('ask Ann');
    // The section left empty went with the row (heading, header); every other byte is as it was.
    const staleSection = '## web\n\n| Epic | Title | Status | Notes |\n|---|---|---|---|\n| [web/E01](web-module/epic-01-c.md) | C | 🔴 | |\n\n';
    expect(before).toContain(staleSection);
    expect(after).toBe(before.replace('| [core/E02](core-module/epic-02-b.md) | B | 🔴 | |', '| [core/E02](core-module/epic-02-b.md) | B | 🔴 | |\n| [core/E02](core-module/epic-02-old.md) | B | 🔴 | ask Ann |').replace(staleSection, ''));
    const json = s.orchJson<{ statusTable?: unknown }>('sync', '--fix');
    expect(json.statusTable).toBeUndefined();
  });
});
