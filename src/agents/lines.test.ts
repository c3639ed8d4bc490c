import { describe, expect, it } from 'vitest';
import { createByteLineSplitter, createTail, ownString } from './lines.js';

const split = (chunks: Buffer[], max?: number) => {
  const lines: Array<{ line: string; raw: string }> = [];
  const s = createByteLineSplitter((line, raw) => lines.push({ line, raw: Buffer.concat(raw).toString('hex') }), max);
  for (const c of chunks) s.push(c);
  s.flush();
  return lines;
};

describe('createByteLineSplitter', () => {
  it('splits across chunks, strips CR (also when CR and LF are in different chunks), flushes a last line', () => {
    const lines = split([Buffer.from('{"a":'), Buffer.from('1}\r'), Buffer.from('\n{"b":2}\r\n\n'), Buffer.from('tail')]);
    expect(lines.map((l) => l.line)).toEqual(['{"a":1}', '{"b":2}', '', 'tail']);
    expect(lines[0]?.raw).toBe(Buffer.from('{"a":1}').toString('hex'));
  });

  it('decodes a UTF-8 character split between two reads and hands over the exact bytes', () => {
    const text = 'é ✓ 🚀 done';
    const bytes = Buffer.from(`${text}\n`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const lines = split([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(lines).toEqual([{ line: text, raw: Buffer.from(text).toString('hex') }]);
    }
  });

  it('delivers an over-long line in pieces of at most maxLineBytes', () => {
    const lines = split([Buffer.from('x'.repeat(25)), Buffer.from('y\n')], 10);
    expect(lines.map((l) => l.line)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'xxxxxy']);
  });
});

describe('createTail / ownString', () => {
  it('keeps the last n lines, long ones cut, with the same characters', () => {
    const t = createTail(2, 5);
    for (const l of ['one', 'two', 'three and more']) t.push(l);
    expect(t.lines).toEqual(['two', 'three...']);
    const s = `${'a'.repeat(100)}\u{1F680}\uD800`;
    expect(ownString(s)).toBe(s);
  });
});
