import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSupervised, type ProcessResult } from '../../src/agents/process.js';

// Issue 3: "after 1,000 spawns (stress test) no zombie and no orphan remains". Each spawn is a node script that
// starts a grandchild (`sleep 30`, same process group) and prints a few lines. Half exit on their own and leave the
// grandchild behind for killGroupOnExit to reap; the other half keep running and are canceled through their
// AbortSignal, some as soon as they print, some at a random moment that may come before node has even started.
const SPAWNS = 1000;
const CONCURRENCY = 20;
const marker = randomBytes(12).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'orch-stress-'));
const script = join(dir, 'child.mjs');
writeFileSync(
  script,
  `import { spawn } from 'node:child_process';
const g = spawn('sleep', ['30'], { stdio: 'ignore' });
process.stdout.write('started ' + process.pid + ' ' + g.pid + '\\nline 2\\nline 3\\n');
process.stderr.write('to stderr\\n');
if (process.argv[2] === 'stay') setInterval(() => undefined, 1000);
else process.stdout.write('done\\n', () => process.exit(0));
`,
);

/** Processes anywhere on the machine whose environment carries our marker (children, grandchildren, orphans). */
const markedProcesses = (): number[] =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`ORCH_STRESS_MARKER=${marker}`);
      } catch {
        return false;
      }
    });

/** Zombies whose parent is this process: children that exited and were never reaped. */
const zombieChildren = (): number[] =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return f[0] === 'Z' && Number(f[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);

afterAll(() => {
  // A failed run must not leave its processes on the machine: end exactly the ones carrying our marker.
  for (const pid of markedProcesses()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  i: number;
  cancel: 'none' | 'on-first-line' | 'random';
  pid: number;
  lines: string[];
  result: ProcessResult;
}

const runOne = async (i: number): Promise<Outcome> => {
  const cancel: Outcome['cancel'] = i % 2 === 0 ? 'none' : i % 4 === 1 ? 'on-first-line' : 'random';
  const abort = new AbortController();
  const lines: string[] = [];
  const p = spawnSupervised({
    command: process.execPath,
    args: [script, cancel === 'none' ? 'exit' : 'stay'],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ORCH_STRESS_MARKER: marker },
    signal: abort.signal,
    graceMs: 2000,
    onStdoutLine: (l) => {
      lines.push(l);
      if (cancel === 'on-first-line' && lines.length === 1) abort.abort();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  if (cancel === 'random') timer = setTimeout(() => abort.abort(), Math.floor(Math.random() * 60));
  const result = await p.result;
  clearTimeout(timer);
  return { i, cancel, pid: p.pid, lines, result };
};

describe('spawnSupervised under stress', () => {
  it(`${SPAWNS} spawns with grandchildren, half canceled: every result settles, nothing is left behind`, async () => {
    const started = performance.now();
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < SPAWNS) outcomes.push(await runOne(next++));
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = performance.now() - started;

    expect(outcomes).toHaveLength(SPAWNS);
    for (const o of outcomes) {
      expect(o.pid, `spawn ${o.i} was not started: ${o.result.error ?? ''}`).toBeGreaterThan(0);
      expect(o.result.error).toBeUndefined();
      if (o.cancel === 'none') {
        expect(o.result, `spawn ${o.i}`).toMatchObject({ canceled: false, timedOut: false, exitCode: 0 });
        expect(o.lines.at(-1), `spawn ${o.i}: ${o.lines.join(' | ')}`).toBe('done');
      } else {
        expect(o.result, `spawn ${o.i} (${o.cancel})`).toMatchObject({ canceled: true, timedOut: false });
        expect(o.lines).not.toContain('done');
      }
      if (o.cancel === 'on-first-line') expect(o.lines[0]).toMatch(/^started \d+ \d+$/);
    }

    expect(zombieChildren()).toEqual([]);
    expect(markedProcesses()).toEqual([]);
    const durations = outcomes.map((o) => o.result.durationMs).sort((a, b) => a - b);
    process.stdout.write(
      `stress: ${SPAWNS} spawns (concurrency ${CONCURRENCY}) in ${(elapsed / 1000).toFixed(1)} s; ` +
        `per spawn median ${durations[SPAWNS >> 1]} ms, max ${durations.at(-1)} ms\n`,
    );
  }, 240_000);
});
