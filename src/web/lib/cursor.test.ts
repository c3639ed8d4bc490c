import { describe, expect, it } from 'vitest';
import { EventCursor, reconnectDelay } from './cursor.js';

describe('EventCursor', () => {
  it('applies each persisted event once, drops a replayed overlap, passes live events', () => {
    const c = new EventCursor();
    expect([1, 2, 3].map((seq) => c.accept({ seq }))).toEqual([true, true, true]);
    // A reconnect replays from Last-Event-ID; anything already seen is dropped.
    expect([2, 3, 4].map((seq) => c.accept({ seq }))).toEqual([false, false, true]);
    expect(c.accept({ seq: 0 })).toBe(true);
    expect(c).toMatchObject({ last: 4, applied: 4, dropped: 2, gaps: [] });
    expect(c.url()).toBe('/api/events?since=4');
  });

  it('records a gap when events were missed', () => {
    const c = new EventCursor();
    c.accept({ seq: 5 });
    c.accept({ seq: 9 });
    expect(c.gaps).toEqual([[6, 8]]);
  });

  it('rebases on a daemon that lost its history, so its new events apply', () => {
    const c = new EventCursor();
    c.accept({ seq: 40 });
    expect(c.rebase(50)).toBe(false);
    expect(c.rebase(3)).toBe(true);
    expect(c.accept({ seq: 4 })).toBe(true);
    expect(c).toMatchObject({ last: 4, gaps: [] });
  });

  it('does not rebase on a snapshot asked for before the events it lacks were applied', () => {
    const c = new EventCursor();
    c.accept({ seq: 40 });
    const asked = c.last;
    c.accept({ seq: 41 });
    c.accept({ seq: 42 });
    // The snapshot says 40 (or 41): it left the daemon before 41 and 42 reached the page.
    expect(c.rebase(40, asked)).toBe(false);
    expect(c.rebase(41, asked)).toBe(false);
    expect(c.accept({ seq: 43 })).toBe(true);
    expect(c).toMatchObject({ last: 43, gaps: [] });
    // Below what the page had when it asked: the daemon lost its history.
    expect(c.rebase(7, asked)).toBe(true);
    expect(c.last).toBe(7);
  });

  it('backs off from half a second to ten, with jitter below the full delay', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => reconnectDelay(a, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(reconnectDelay(2, () => 1)).toBe(1333);
  });
});
