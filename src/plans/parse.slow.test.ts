import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan } from './parse.js';

// Size sanity, not a timing test: 50 modules x 100 epics with frontmatter on half of them (a fifth of those
// through the full YAML parser), prose dependencies, code fences and a README row per epic.
// PERF (2 busy cores, Node 20): parsePlan takes ~500 ms on its first, cold call and 210-350 ms warm.
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'orch-plans-big-'));
  const rows = ['# Plan', ''];
  for (let m = 0; m < 50; m++) {
    const dir = join(root, 'docs/plans', `mod${m}-module`);
    await mkdir(dir, { recursive: true });
    rows.push(`## Mod${m}`, '', '| Epic | Title | Status |', '|---|---|---|');
    const writes = [writeFile(join(dir, '00-overview.md'), `# Module ${m}\n`)];
    for (let e = 1; e <= 100; e++) {
      const nn = String(e).padStart(2, '0');
      const frontmatter =
        e % 2 === 0
          ? `---\npriority: ${['high', 'medium', 'low'][e % 3]}\ndepends_on: [mod${Math.max(0, m - 1)}/E${nn}]\ntouches:\n  - src/mod${m}/**\n---\n`
          : e % 5 === 0
            ? '---\n# a comment sends this through the yaml package\nneeds_review: true\n---\n'
            : '';
      const prose = m > 0 && e % 10 === 0 ? `Requires mod${m - 1}/E${String(e - 1).padStart(2, '0')}. See mod0/E01 for context.\n` : '';
      const body = `${frontmatter}# Epic ${e} of module ${m}\n\n## Summary\n\nThing ${e}.\n\n${prose}\n\`\`\`ts\n// Requires mod1/E01\n\`\`\`\n${'Lorem ipsum dolor sit amet. '.repeat(40)}\n`;
      writes.push(writeFile(join(dir, `epic-${nn}-thing.md`), body));
      rows.push(`| E${nn} | Thing | ${['🔴', '🟡', '🟢'][e % 3]} |`);
    }
    await Promise.all(writes);
  }
  await writeFile(join(root, 'docs/plans/README.md'), rows.join('\n'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

it('parses 5,000 epics in 50 modules', async () => {
  const parsed = await parsePlan(root);
  expect(parsed.issues).toEqual([]);
  expect(parsed.modules).toHaveLength(50);
  expect(parsed.tasks).toHaveLength(5000);
  const byId = new Map(parsed.tasks.map((t) => [t.id, t]));
  expect(byId.get('mod7/E10')!.dependsOn).toEqual(['mod6/E09', 'mod6/E10', 'mod7/E09']);
  expect(byId.get('mod7/E15')!.needsReview).toBe(true);
  expect(parsed.tasks.filter((t) => t.planStatus === 'complete')).toHaveLength(50 * 33);
});
