import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlanFileCache } from './files.js';
import { parsePlan } from './parse.js';
import { writeRepo } from './testing.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const P = 'docs/plans';

describe('parsePlan with a file cache (a daemon syncing the same plan again)', () => {
  it('reuses what did not change, sees a same-size edit, a new file and a removed one', async () => {
    const repo = await writeRepo({
      [`${P}/billing-module/epic-01-invoices.md`]: '# Invoices\n\nCreate invoices.\n',
      [`${P}/billing-module/epic-02-dunning.md`]: '# Dunning\n\nRequires billing/E01.\n',
    });
    cleanups.push(repo.cleanup);
    const cache = createPlanFileCache();
    const first = await parsePlan(repo.root, { cache });
    expect(first.tasks.map((t) => t.title)).toEqual(['Invoices', 'Dunning']);
    const again = await parsePlan(repo.root, { cache });
    expect(again.tasks).toEqual(first.tasks);
    expect(cache.files.size).toBe(2);

    // Same length, other text: the size alone would miss it.
    writeFileSync(join(repo.root, P, 'billing-module', 'epic-01-invoices.md'), '# Receipts\n\nCreate receipts.\n');
    writeFileSync(join(repo.root, P, 'billing-module', 'epic-03-refunds.md'), '# Refunds\n');
    rmSync(join(repo.root, P, 'billing-module', 'epic-02-dunning.md'));
    const edited = await parsePlan(repo.root, { cache });
    expect(edited.tasks.map((t) => [t.id, t.title])).toEqual([['billing/E01', 'Receipts'], ['billing/E03', 'Refunds']]);
    expect(edited).toEqual(await parsePlan(repo.root));
    expect([...cache.files.keys()].map((f) => f.split('/').pop())).toEqual(['epic-01-invoices.md', 'epic-03-refunds.md']);
    expect(cache.parsed.size).toBe(2);
  });

  it('answers an unchanged plan with the plan it made (no README table, dependency or cycle work), and any change with a new one', async () => {
    const repo = await writeRepo({
      [`${P}/README.md`]: '| Epic | Status |\n|---|---|\n| [E01](billing-module/epic-01-invoices.md) | 🔴 |\n',
      [`${P}/billing-module/epic-01-invoices.md`]: '# Invoices\n\nCreate invoices.\n',
      [`${P}/billing-module/epic-02-dunning.md`]: '# Dunning\n\nRequires billing/E01.\n',
    });
    cleanups.push(repo.cleanup);
    const cache = createPlanFileCache();
    const first = await parsePlan(repo.root, { cache });
    expect(await parsePlan(repo.root, { cache })).toBe(first);

    const changes: [string, () => void][] = [
      ['an epic edited', () => writeFileSync(join(repo.root, P, 'billing-module', 'epic-02-dunning.md'), '# Dunning\n\nRequires nothing.\n')],
      ['the README edited', () => writeFileSync(join(repo.root, P, 'README.md'), '| Epic | Status |\n|---|---|\n| [E01](billing-module/epic-01-invoices.md) | 🟢 |\n')],
      ['a badly named file added', () => writeFileSync(join(repo.root, P, 'billing-module', 'epic-3-x.md'), '# X\n')],
      ['an overview added', () => writeFileSync(join(repo.root, P, 'billing-module', '00-overview.md'), '# Billing\n')],
    ];
    let before = first;
    for (const [what, change] of changes) {
      change();
      const after = await parsePlan(repo.root, { cache });
      expect({ what, same: after === before }).toEqual({ what, same: false });
      expect({ what, plan: after }).toEqual({ what, plan: await parsePlan(repo.root) });
      expect(await parsePlan(repo.root, { cache })).toBe(after);
      before = after;
    }
    // Another agent list is another plan (an unknown agent: is an error of the plan).
    const agents = await parsePlan(repo.root, { cache, agents: ['claude'] });
    expect(agents).not.toBe(before);
    expect(agents).toEqual(await parsePlan(repo.root, { agents: ['claude'] }));
  });
});
