import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { spawnSupervised } from './process.js';

const env = { PATH: process.env.PATH ?? '' };
const MiB = 1024 * 1024;

// A child that prints `mb` MiB of numbered lines (1 KB to 40 KB) as fast as its stdout takes them, then a last line.
const flood = (mb: number): string => `
let n = 0, bytes = 0, i = 0;
const pad = (k) => 'x'.repeat(k);
while (bytes < ${mb} * 1024 * 1024) {
  const line = i + ':' + pad(1000 + ((i * 7919) % 40000)) + '\\n';
  process.stdout.write(line);
  bytes += line.length; i++;
}
process.stdout.write('end ' + i + '\\n');
`;

/** A real Writable that takes its time: each chunk is "written" after `ms`, like a slow disk. */
const slowSink = (ms: number, highWaterMark: number) => {
  let written = 0;
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      setTimeout(() => {
        written += chunk.length;
        cb();
      }, ms);
    },
  });
  return { sink, written: () => written };
};

describe('backpressure from a slow sink to a real child process', () => {
  it('pauses the child while the sink is over its high-water mark: buffered bytes stay bounded, no line is lost', async () => {
    const hwm = 64 * 1024;
    const { sink, written } = slowSink(2, hwm);
    let drain: Promise<void> | undefined;
    let received = 0;
    let maxBuffered = 0;
    let longest = 0;
    let next = 0;
    let outOfOrder = 0;
    let end = '';
    const r = await spawnSupervised({
      command: process.execPath, args: ['-e', flood(8)], cwd: tmpdir(), env,
      onStdoutLine: (line, raw) => {
        if (line.startsWith('end ')) end = line;
        else if (Number(line.slice(0, line.indexOf(':'))) !== next++) outOfOrder++;
        const bytes = raw.reduce((s, b) => s + b.length, 0) + 1;
        received += bytes;
        longest = Math.max(longest, bytes);
        if (sink.write(Buffer.concat([...raw, Buffer.from('\n')]))) return undefined;
        maxBuffered = Math.max(maxBuffered, sink.writableLength);
        drain ??= new Promise<void>((resolve) => sink.once('drain', () => { drain = undefined; resolve(); }));
        return drain;
      },
    }).result;
    expect(r.exitCode).toBe(0);
    await new Promise<void>((resolve) => sink.end(resolve));
    // Every line, in order, all the way to the sink.
    expect(end).toBe(`end ${next}`);
    expect(outOfOrder).toBe(0);
    expect(written()).toBe(received);
    expect(received).toBeGreaterThan(8 * MiB);
    // Never more than the high-water mark, the rest of the read that crossed it, one more read (child_process resumes
    // the pipe when the child exits) and one line ahead of the sink (reads are 64 KiB at most): without the pause the
    // child prints its 8 MiB in milliseconds and the sink buffers nearly all of it.
    expect(maxBuffered).toBeGreaterThan(hwm);
    expect(maxBuffered).toBeLessThanOrEqual(hwm + 2 * 64 * 1024 + longest);
  }, 60_000);

  it('keeps reading after the child exits while a hold lasts longer than the close wait: no line is lost', async () => {
    const lines: string[] = [];
    let held = false;
    const r = await spawnSupervised({
      command: process.execPath, args: ['-e', "let i = 0; const t = setInterval(() => { process.stdout.write(i + 'y'.repeat(50000) + '\\n'); if (++i === 3) clearInterval(t); }, 50)"], cwd: tmpdir(), env,
      onStdoutLine: (line) => {
        lines.push(line);
        if (held) return undefined;
        held = true;
        // The other lines (100 KB, more than one read) wait in the pipe; this hold outlasts the 2 s the reader
        // waits for a silent pipe after the leader exits.
        return new Promise((resolve) => setTimeout(resolve, 2500));
      },
    }).result;
    expect(r.exitCode).toBe(0);
    expect(lines).toEqual([0, 1, 2].map((i) => `${i}${'y'.repeat(50000)}`));
  }, 20_000);
});
