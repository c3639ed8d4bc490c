import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLogPage } from './log-page.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-logpage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (i: number, s = i % 3 === 0 ? 'orch' : 'out') =>
  s === 'out'
    ? `2026-12-03T10:00:${String(i % 60).padStart(2, '0')}.000Z\tout\t${JSON.stringify({ type: 'assistant', message: { id: `m${i}`, content: [{ type: 'text', text: `line ${i} ${'x'.repeat(i % 50)}` }] } })}\n`
    : `2026-12-03T10:00:00.000Z\t${s}\tstep ${i}\n`;

function logOf(n: number): string {
  const f = join(dir, `${n}.log`);
  writeFileSync(f, Array.from({ length: n }, (_, i) => entry(i)).join(''));
  return f;
}

describe('paged run log', () => {
  it('forward pages join without gaps or repeats and parse agent lines', async () => {
    const f = logOf(500);
    const seen: string[] = [];
    let after = 0;
    for (;;) {
      const p = await readLogPage(f, 'claude', { after, limit: 37 });
      seen.push(...p.lines.map((l) => (l.ev?.[0]?.type === 'text' ? l.ev[0].text.split(' ').slice(0, 2).join(' ') : l.l)));
      if (!p.more) break;
      after = p.end;
    }
    expect(seen).toHaveLength(500);
    expect(seen[1]).toBe('line 1');
    expect(seen[3]).toBe('step 3');
  });

  it('backward pages from the end join to the whole log; a half-written last line waits', async () => {
    const f = logOf(300);
    appendFileSync(f, '2026-12-03T10:00:00.000Z\torch\tstill writ');
    const got: number[] = [];
    let p = await readLogPage(f, 'claude', { limit: 50 });
    const end = p.end;
    for (;;) {
      got.unshift(...p.lines.map((l) => l.o));
      if (!p.more) break;
      p = await readLogPage(f, 'claude', { before: p.start, limit: 50 });
    }
    expect(got).toHaveLength(300);
    expect(new Set(got).size).toBe(300);
    expect(got[0]).toBe(0);
    const next = await readLogPage(f, 'claude', { after: end, limit: 50 });
    expect(next.lines).toHaveLength(0);
    expect(next.more).toBe(false);
    appendFileSync(f, 'ing\n');
    const done = await readLogPage(f, 'claude', { after: end, limit: 50 });
    expect(done.lines.map((l) => l.l)).toEqual(['still writing']);
  });

  it('searches and filters by stream, bounded per request', async () => {
    const f = logOf(400);
    const hits = await readLogPage(f, 'claude', { after: 0, limit: 10, q: 'LINE 37 ' });
    expect(hits.lines.map((l) => l.o)).toHaveLength(1);
    const orch = await readLogPage(f, 'claude', { after: 0, limit: 1000, streams: 'orch' });
    expect(orch.lines.every((l) => l.s === 'orch')).toBe(true);
    expect(orch.lines).toHaveLength(134);
  });

  it('a missing log is an empty page', async () => {
    expect(await readLogPage(join(dir, 'none.log'), 'claude', { limit: 10 })).toMatchObject({ size: 0, lines: [], more: false });
  });
});
