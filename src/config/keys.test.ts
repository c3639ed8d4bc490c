import { describe, expect, it } from 'vitest';
import { dottedKey, editDistance } from './keys.js';
import { deepMerge } from './merge.js';
import { locateKey } from './toml-locate.js';

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('modle', 'model')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('dottedKey', () => {
  it('writes keys as TOML does', () => {
    expect(dottedKey(['agent', 'max_turns'])).toBe('agent.max_turns');
    expect(dottedKey(['agent', 'args', 2])).toBe('agent.args[2]');
    expect(dottedKey(['agent', 'env', 'odd key'])).toBe('agent.env."odd key"');
  });
});

describe('locateKey', () => {
  const text = `# comment
top = 1
text = """
[agent]
model = "inside a multi-line string"
"""

[agent]
"model" = "x"
sub.key = 2
inline = { a = 1, deep = { b = 2 } }

[ agent . env ]
FOO = "bar"
`;
  it('follows headers, quoted and dotted keys, and skips multi-line strings', () => {
    expect(locateKey(text, ['top'])).toBe(2);
    expect(locateKey(text, ['agent'])).toBe(8);
    expect(locateKey(text, ['agent', 'model'])).toBe(9);
    expect(locateKey(text, ['agent', 'sub', 'key'])).toBe(10);
    expect(locateKey(text, ['agent', 'inline', 'deep', 'b'])).toBe(11);
    expect(locateKey(text, ['agent', 'env', 'FOO'])).toBe(14);
    expect(locateKey(text, ['agent', 'args', 0])).toBe(8);
    expect(locateKey(text, ['daemon', 'port'])).toBeUndefined();
  });
});

describe('deepMerge', () => {
  it('merges tables, replaces arrays, skips undefined and keeps __proto__ as a key', () => {
    const base = { a: { x: 1, y: [1, 2] }, b: 1 };
    const merged = deepMerge(base, { a: { y: [3], z: 2 }, b: undefined, c: 'new' });
    expect(merged).toEqual({ a: { x: 1, y: [3], z: 2 }, b: 1, c: 'new' });
    expect(base).toEqual({ a: { x: 1, y: [1, 2] }, b: 1 });
    const evil = deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(evil)).toEqual(['__proto__']);
  });
});
