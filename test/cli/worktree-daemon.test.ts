import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandbox } from '../harness.js';

/** Issue 9: linked worktrees of one repository get one daemon, keyed on `git rev-parse --git-common-dir`. */
describe('linked worktrees', () => {
  const sb = sandbox({ 'docs/plans/core/epic-01-a.md': '# A\n\nDo a.\n' });
  afterAll(() => sb.cleanup());

  it('share one daemon and one project key with their main checkout', () => {
    const wt = join(sb.base, 'second-checkout');
    sb.git('worktree', 'add', '-q', '-b', 'feature', wt);
    for (const dir of [sb.repo, wt]) {
      const r = sb.orch('-C', dir, 'status');
      expect(r.status, r.stderr).toBe(0);
    }
    type Status = { pid: number; stateDir: string; root: string };
    const [a, b] = [sb.repo, wt].map((dir) => sb.orchJson<Status>('-C', dir, 'daemon', 'status'));
    expect(b?.pid).toBe(a?.pid);
    expect(b?.stateDir).toBe(a?.stateDir);
    expect(b?.root).toBe(realpathSync(sb.repo));
    // One project dir in all: the worktree got none of its own (the old key was sha256 of the worktree's path).
    expect(readdirSync(join(sb.base, 'state', 'orch', 'projects'))).toHaveLength(1);
    const common = sb.git('-C', wt, 'rev-parse', '--path-format=absolute', '--git-common-dir').trim();
    expect(common).toBe(join(realpathSync(sb.repo), '.git'));
  });
});
