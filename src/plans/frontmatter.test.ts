import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFrontmatterYaml, splitFrontmatter } from './frontmatter.js';
import { parseSimpleYaml } from './simple-yaml.js';

describe('splitFrontmatter', () => {
  it('splits a block and says where the body starts', () => {
    expect(splitFrontmatter('---\na: 1\n---\n# T\n')).toEqual({ kind: 'block', yaml: 'a: 1\n', yamlLine: 2, body: '# T\n', bodyLine: 4 });
    expect(splitFrontmatter('---\r\na: 1\r\n...\r\nx')).toMatchObject({ kind: 'block', yaml: 'a: 1\r\n', body: 'x', bodyLine: 4 });
  });

  it('needs the opening line at the very top', () => {
    expect(splitFrontmatter('\n---\na: 1\n---\n').kind).toBe('none');
    expect(splitFrontmatter('--- \na: 1\n---').kind).toBe('block');
    expect(splitFrontmatter('----\na\n').kind).toBe('none');
  });

  it('flags a block that never closes', () => {
    expect(splitFrontmatter('---\na: 1\n# T\n')).toMatchObject({ kind: 'unterminated', bodyLine: 1 });
  });
});

describe('parseFrontmatterYaml', () => {
  it('gives key and item lines in file lines on both paths', () => {
    const simple = parseFrontmatterYaml('a: 1\ndeps:\n  - x\n  - y\n', 2);
    const full = parseFrontmatterYaml('# c\na: 1\ndeps:\n  - x\n  - "y"\n', 2);
    expect(simple).toMatchObject({ ok: true, data: { a: 1, deps: ['x', 'y'] } });
    expect(full).toMatchObject({ ok: true, data: { a: 1, deps: ['x', 'y'] } });
    if (!simple.ok || !full.ok) throw new Error('unreachable');
    expect(simple.lines.get('deps')).toEqual({ line: 3, items: [4, 5] });
    expect(full.lines.get('deps')).toEqual({ line: 4, items: [5, 6] });
  });

  it('rejects a frontmatter that is not a mapping', () => {
    expect(parseFrontmatterYaml('- a\n- b\n', 2)).toMatchObject({ ok: false, line: 2 });
    expect(parseFrontmatterYaml('just text\n', 2)).toMatchObject({ ok: false });
    expect(parseFrontmatterYaml('\n', 2)).toEqual({ ok: true, data: {}, lines: new Map() });
  });

  it('reports duplicate keys', () => {
    expect(parseFrontmatterYaml('a: 1\na: 2\n', 2)).toMatchObject({ ok: false, line: 3 });
  });
});

describe('parseSimpleYaml', () => {
  it('takes the common shapes (so the fast path is really used)', () => {
    const text = 'priority: high\ndepends_on: [billing/E01, E03]\nneeds_review: true\nepic: 5\ntouches:\n  - src/a/**\n  - db/x.sql\nmodel:\n';
    expect(parseSimpleYaml(text, 2)?.data).toEqual(parse(text));
  });

  it('agrees with the yaml package whenever it answers', () => {
    const key = fc.constantFrom('priority', 'depends_on', 'needs_review', 'epic', 'title', 'a', 'true', 'null', 'x-y', '_k');
    const scalar = fc.oneof(
      fc.constantFrom('high', 'E03', 'billing/E01', '1', '-5', '007', '+3', '0', '1.5', '0x1F', 'true', 'False', 'NULL', '~', 'yes', '2026-01-12', '.inf'),
      fc.constantFrom("it's", 'a: b', 'a:b', 'x #y', '[a]', '{a}', '"q"', "'q'", '- a', '-', '*ref', '&anchor', '!tag', '|', '>', '%', '@x', '`x`', 'a,b', ''),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.stringMatching(/^[a-z0-9 :#,.[\]{}"'-]{0,8}$/),
    );
    const line = fc.oneof(
      fc.tuple(key, scalar).map(([k, v]) => `${k}: ${v}`),
      fc.tuple(key, fc.array(scalar, { maxLength: 3 })).map(([k, vs]) => `${k}: [${vs.join(', ')}]`),
      fc.tuple(key, fc.array(scalar, { minLength: 1, maxLength: 3 }), fc.constantFrom('', '  ', ' ')).map(
        ([k, vs, indent]) => `${k}:\n${vs.map((v) => `${indent}- ${v}`).join('\n')}`,
      ),
      fc.constantFrom('', '  ', 'key:', '  nested: x', '- stray', 'k:v'),
    );
    let answered = 0;
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const text = lines.join('\n');
        const fast = parseSimpleYaml(text, 2);
        if (!fast) return;
        answered++;
        expect(fast.data).toEqual(parse(text) ?? {});
      }),
      { numRuns: 2000 },
    );
    expect(answered).toBeGreaterThan(100);
  });
});
