import { describe, expect, it } from 'vitest';
import { createLiveUsage } from './meter.js';

describe('live usage of an agent turn', () => {
  it("a resumed run's live updates carry the run's totals, earlier turns included (followers never see it fall back)", () => {
    const updates: Array<Record<string, unknown>> = [];
    const events: Array<Record<string, unknown>> = [];
    // Turn 1 used 35,000 tokens in and cost $0.19; turn 2 starts.
    const live = createLiveUsage({
      update: (_id, f) => updates.push(f),
      emit: ((_type: string, _task: string | null, _run: string | null, data: Record<string, unknown>) => void events.push(data)) as never,
      runId: 'r1',
      taskId: 'm/E01',
      before: { i: 35_000, o: 300, cr: 0, cw: 0, c: 0.19 },
      intervalMs: 0,
    });
    live.see({ type: 'usage', key: 'msg1', usage: { inputTokens: 2_000, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(events).toEqual([{ inputTokens: 37_000, outputTokens: 310, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.19, live: true }]);
    expect(updates.at(-1)).toEqual({ inputTokens: 37_000, outputTokens: 310, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.19 });
    // The turn's final count is written, not sent as a live update (the turn's end sends the run's own).
    live.see({ type: 'result', ok: true, text: 'done', usage: { inputTokens: 2_500, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.02 });
    expect(events).toHaveLength(1);
    expect(updates.at(-1)).toMatchObject({ inputTokens: 37_500, costUsd: 0.21 });
  });
});
