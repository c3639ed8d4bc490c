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
    expect(sb.orch('sync').stdout).toContain('(nothing changed since the last sync)');
    expect((await sh(sb, 'orch start --wait')).status).toBe(0);
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
