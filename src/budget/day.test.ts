import { describe, expect, it } from 'vitest';
import { dayKey, endOfDay, isTimeZone, startOfDay } from './day.js';

describe('days in a time zone', () => {
  it('names the day and its bounds in the zone, not in UTC', () => {
    const at = new Date('2026-12-03T23:30:00Z');
    expect(dayKey(at, 'UTC')).toBe('2026-12-03');
    expect(dayKey(at, 'Europe/Berlin')).toBe('2026-12-04');
    expect(dayKey(at, 'America/Los_Angeles')).toBe('2026-12-03');
    expect(startOfDay('2026-12-04', 'Europe/Berlin').toISOString()).toBe('2026-12-03T23:00:00.000Z');
    expect(startOfDay('2026-12-03', 'America/Los_Angeles').toISOString()).toBe('2026-12-03T08:00:00.000Z');
    expect(endOfDay('2026-12-31', 'UTC').toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('handles a day with a DST change', () => {
    // Europe/Berlin switches to summer time on 2026-03-29: that day has 23 hours.
    const s = startOfDay('2026-03-29', 'Europe/Berlin');
    const e = endOfDay('2026-03-29', 'Europe/Berlin');
    expect(s.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect((e.getTime() - s.getTime()) / 3_600_000).toBe(23);
  });

  it('knows which zones exist', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
