import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunLogs, RUN_LOG_HIGH_WATER } from './runlog.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entries = (file: string) =>
  readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [time, stream, ...rest] = l.split('\t');
    return { time, stream, line: rest.join('\t') };
  });

describe('createRunLogs', () => {
  it('asks the writer to hold over the high-water mark, resolves on drain, and keeps every line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-runlog-'));
    dirs.push(dir);
    const logs = createRunLogs(dir);
    const line = `{"type":"assistant","text":"${'z'.repeat(10_000)} é"}`;
    const holds: Array<Promise<void>> = [];
    let lines = 0;
    // Faster than any disk: a burst twice the high-water mark in one tick, as raw bytes and as strings.
    while (lines * line.length < 2 * RUN_LOG_HIGH_WATER) {
      const raw = lines % 2 === 0 ? [Buffer.from(line.slice(0, 7)), Buffer.from(line.slice(7))] : undefined;
      const hold = logs.write('r1', 'out', line, raw);
      if (hold) holds.push(hold);
      lines++;
    }
    logs.write('r1', 'orch', 'done\twith a tab');
    expect(holds.length).toBeGreaterThan(0);
    // One promise per congestion, not one per line.
    expect(new Set(holds).size).toBe(1);
    await holds[0];
    logs.closeAll();
    const file = join(dir, 'r1.log');
    for (let i = 0; i < 100 && entries(file).length < lines + 1; i++) await new Promise((r) => setTimeout(r, 50));
    const got = entries(file);
    expect(got).toHaveLength(lines + 1);
    expect(got.slice(0, -1).every((e) => e.stream === 'out' && e.line === line && /^\d{4}-\d\d-\d\dT/.test(e.time ?? ''))).toBe(true);
    expect(got.at(-1)).toMatchObject({ stream: 'orch', line: 'done\twith a tab' });
  });
});
