import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createTurnMeter } from './meter.js';
import { parseClaudeLine } from '../agents/claude/parse.js';
import type { Usage } from '../agents/index.js';

const u = (i: number, o: number, cr = 0, cw = 0): Usage => ({ inputTokens: i, outputTokens: o, cacheReadTokens: cr, cacheWriteTokens: cw });

describe('turn meter (live A6)', () => {
  it('counts a keyed message once however many lines repeat it, latest count wins', () => {
    const m = createTurnMeter();
    m.see({ type: 'usage', usage: u(10, 1), key: 'msg_1' });
    m.see({ type: 'usage', usage: u(10, 7), key: 'msg_1' });
    m.see({ type: 'usage', usage: u(20, 3, 5), key: 'msg_2' });
    expect(m.total).toEqual({ usage: u(30, 10, 5), costUsd: 0, final: false });
  });

  it('sums unkeyed steps and lets the final result replace the estimate', () => {
    const m = createTurnMeter();
    m.see({ type: 'usage', usage: u(100, 10) });
    m.see({ type: 'usage', usage: u(50, 5) });
    expect(m.total.usage).toEqual(u(150, 15));
    expect(m.see({ type: 'result', ok: true, text: '', usage: u(160, 16), costUsd: 0.02 })).toBe(true);
    expect(m.see({ type: 'usage', usage: u(1, 1) })).toBe(false);
    expect(m.total).toEqual({ usage: u(160, 16), costUsd: 0.02, final: true });
  });

  it('moves during a real Claude transcript before its result, and ends at the result total', () => {
    const lines = readFileSync(new URL('../agents/claude/fixtures/success-tools.jsonl', import.meta.url), 'utf8').trim().split('\n');
    const m = createTurnMeter();
    const seen: number[] = [];
    let resultAt = -1;
    lines.forEach((line, i) => {
      for (const e of parseClaudeLine(line)) {
        if (e.type === 'result') resultAt = i;
        if (m.see(e) && !m.total.final) seen.push(m.total.usage.outputTokens);
      }
    });
    expect(resultAt).toBe(lines.length - 1);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBeGreaterThan(0);
    expect(m.total.final).toBe(true);
  });
});
