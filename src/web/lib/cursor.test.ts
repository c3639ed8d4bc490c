import { describe, expect, it } from 'vitest';
import { EventCursor } from './cursor.js';

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
});
