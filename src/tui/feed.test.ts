import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createFeed } from './feed.js';
import type { Action } from './state.js';
import { fakeClient, output, run, status, task } from './testing.js';

async function until(fn: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the feed under a flood', () => {
  it('spaces frames of events by at least twice what the last one took to draw, so keys are not queued behind them', async () => {
    const w = fakeClient({ status: status([run('r1', 'a/E01')]), tasks: [task('a/E01', { status: 'in_progress' })] });
    const COST = 25;
    const frames: number[] = [];
    const dispatch = (a: Action) => {
      if (a.type !== 'events') return;
      frames.push(performance.now());
      // A frame that takes COST ms to draw (the render runs inside the dispatch here).
      const end = performance.now() + COST;
      while (performance.now() < end);
    };
    const feed = createFeed({ connect: async () => w.client, dispatch, lastSeq: () => 0, frameMs: 5 });
    feed.start();
    await until(() => w.streams.length > 0, 'the event stream');
    let n = 0;
    const flood = setInterval(() => {
      for (let i = 0; i < 50; i++) w.streams[0]?.push(output('r1', 'a/E01', { type: 'text', text: `line ${n++}` }));
    }, 1);
    try {
      await until(() => frames.length >= 6, 'six frames of events');
    } finally {
      clearInterval(flood);
      feed.stop();
    }
    // From the second frame on, the next comes no sooner than the frame's own cost plus twice that cost after it.
    const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
    expect(Math.min(...gaps.slice(1))).toBeGreaterThanOrEqual(3 * COST - 2);
  });
});
