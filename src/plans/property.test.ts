import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEpic } from './epic.js';
import { parsePlan } from './parse.js';
import { setReadmeStatus } from './readme.js';
import { readmeRows } from './readme-table.js';
import { setEpicMarker } from './marker.js';

const MODULES = ['billing', 'pricing-module', 'technical'];

const ref = fc.oneof(
  fc.tuple(fc.constantFrom('billing', 'Pricing', 'technical-module', 'nowhere', 'technicl'), fc.nat(6)).map(([m, n]) => `${m}/E${n}`),
  fc.nat(6).map((n) => `E${String(n).padStart(2, '0')}`),
  fc.tuple(fc.constantFrom('billing', 'the technical', 'pricing'), fc.nat(6)).map(([m, n]) => `${m} E${n}`),
  fc.nat(6).map((n) => `[x](../billing/epic-0${n}-x.md)`),
);
const proseLine = fc.oneof(
  fc.tuple(fc.constantFrom('Requires', 'depends on', 'After', 'Blocked by', 'Needs', 'Prerequisite:', 'See', 'not after'), fc.array(ref, { minLength: 1, maxLength: 3 })).map(
    ([k, refs]) => `${k} ${refs.join(', ')}`,
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('```', '~~~', '---', '# Title', '## Summary', '## Dependencies', '- billing/E01', '<!-- orch: status=complete -->', '| E01 | 🟢 |', ''),
);
const body = fc.array(proseLine, { maxLength: 12 }).map((lines) => lines.join('\n'));

const fieldValue = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(ref, fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
const frontmatter = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(fc.oneof(fc.constantFrom('priority', 'depends_on', 'needs_review', 'module', 'epic', 'title', 'touches', 'conflicts_with', 'agent', 'model'), fc.string({ maxLength: 8 })), fieldValue, { maxKeys: 5 })
    .map((o) => `---\n${stringify(o)}---\n`),
  fc.string({ maxLength: 60 }).map((s) => `---\n${s}\n---\n`),
  fc.array(fc.oneof(fc.constantFrom('---', '...', 'a: [', 'b: "x', '  - y', 'k: v', ': :', '&a x', '*a'), fc.string({ maxLength: 10 })), { maxLength: 6 }).map((ls) => ls.join('\n')),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const epicFile = fc.record({
  module: fc.constantFrom(...MODULES),
  name: fc.oneof(fc.nat(12).map((n) => `epic-${String(n).padStart(2, '0')}-x.md`), fc.nat(12).map((n) => `epic-${n}.md`), fc.constantFrom('epic-x-bad.md', 'notes.md')),
  content: fc.tuple(frontmatter, body, fc.boolean()).map(([fm, b, crlf]) => {
    const text = fm + b;
    return crlf ? text.replace(/\n/g, '\r\n') : text;
  }),
});
const readme = fc.array(
  fc.oneof(
    fc.constantFrom('## Billing', '## technical-module', '| Epic | Status | Notes |', '|---|---|---|', '```'),
    fc.tuple(fc.oneof(ref, fc.nat(9).map(String)), fc.constantFrom('🔴', '🟡', '🟢', ''), fc.string({ maxLength: 6 })).map(([r, e, n]) => `| ${r} | ${e} | ${n} |`),
    fc.string({ maxLength: 20 }),
  ),
  { maxLength: 12 },
);

describe('parseEpic on arbitrary input', () => {
  it('never throws, and lines it reports are inside the file', () => {
    fc.assert(
      fc.property(fc.tuple(frontmatter, body).map(([fm, b]) => fm + b), (content) => {
        const draft = parseEpic(content, 'docs/plans/a/epic-01-x.md');
        const lines = content.split('\n').length;
        for (const issue of draft.issues) expect(issue.line).toBeGreaterThanOrEqual(1), expect(issue.line).toBeLessThanOrEqual(lines);
        for (const ref of draft.prose) expect(ref.line).toBeLessThanOrEqual(lines);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('parsePlan on arbitrary plans', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'orch-plans-prop-'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('never throws, reports problems as issues, and only depends on tasks that exist', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(epicFile, { maxLength: 8 }), fc.option(readme), async (files, readmeLines) => {
        const root = join(base, String(run++));
        for (const f of files) {
          await mkdir(join(root, 'docs/plans', f.module), { recursive: true });
          await writeFile(join(root, 'docs/plans', f.module, f.name), f.content);
        }
        await mkdir(join(root, 'docs/plans'), { recursive: true });
        if (readmeLines) await writeFile(join(root, 'docs/plans/README.md'), readmeLines.join('\n'));
        const parsed = await parsePlan(root);
        const ids = new Set(parsed.tasks.map((t) => t.id));
        expect(ids.size).toBe(parsed.tasks.length);
        for (const task of parsed.tasks) {
          expect(task.id).toMatch(/^[^/]+\/E\d{2,}$/);
          expect(task.dependsOn).not.toContain(task.id);
          expect([...task.dependsOn].sort()).toEqual(task.dependsOn);
          for (const dep of task.dependsOn) expect(ids.has(dep)).toBe(true);
          for (const source of task.dependencySources) expect(task.dependsOn).toContain(source.id);
        }
        for (const issue of parsed.issues) {
          expect(issue.message).not.toBe('');
          expect(issue.fix).not.toBe('');
        }
      }),
      { numRuns: 120 },
    );
  });
});

describe('writeback on arbitrary READMEs', () => {
  const modules = [
    { name: 'billing', dir: 'docs/plans/billing' },
    { name: 'technical', dir: 'docs/plans/technical-module' },
  ];
  const status = fc.constantFrom('not_started' as const, 'in_progress' as const, 'complete' as const);

  it('touches only the rows of the task and reads back what it wrote', () => {
    fc.assert(
      fc.property(readme, fc.boolean(), fc.nat(9), status, fc.option(fc.string({ maxLength: 12 })), (lines, crlf, epic, to, note) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        const id = `billing/E${String(epic).padStart(2, '0')}`;
        const file = `docs/plans/billing/epic-0${epic}-x.md`;
        const result = setReadmeStatus(text, 'docs/plans', modules, id, file, to, note ?? undefined);
        const before = text.split(/\r?\n/);
        const after = result.text.split(/\r?\n/);
        expect(after).toHaveLength(before.length);
        expect(result.text.split('\r\n').length).toBe(text.split('\r\n').length);
        const rows = new Set(readmeRows(text, 'docs/plans', modules).filter((r) => r.target.kind === 'id' ? r.target.module === 'billing' && r.target.epic === epic : r.target.path === file).map((r) => r.line - 1));
        expect(result.found).toBe(rows.size > 0);
        before.forEach((line, i) => {
          if (!rows.has(i)) expect(after[i]).toBe(line);
        });
        for (const row of readmeRows(result.text, 'docs/plans', modules)) if (rows.has(row.line - 1)) expect(row.status).toBe(to);
      }),
      { numRuns: 1500 },
    );
  });

  it('setEpicMarker is idempotent and never loses the body', () => {
    fc.assert(
      fc.property(fc.tuple(frontmatter, body).map(([fm, b]) => fm + b), fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 10 })), (content, fields) => {
        const once = setEpicMarker(content, fields);
        expect(setEpicMarker(once, fields)).toBe(once);
        expect(setEpicMarker(once, {}).length).toBeLessThanOrEqual(once.length);
      }),
      { numRuns: 1000 },
    );
  });
});
