/**
 * Calendar days in a time zone ("daily" budgets, reports, schedules). `tz` is an IANA name; "" is the system's zone.
 * Everything takes `now` so a fake clock can drive it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(now: Date, tz: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const key = tz || 'system';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...(tz ? { timeZone: tz } : {}), hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(key, f);
  }
  const get = (type: string): number => Number(f.formatToParts(now).find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), min: get('minute'), s: get('second') };
}

/** True when `tz` is a time zone this Node knows ("" = the system's). */
export function isTimeZone(tz: string): boolean {
  if (tz === '') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD` of `now` in `tz`. */
export function dayKey(now: Date, tz: string): string {
  const p = parts(now, tz);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** Offset of `tz` from UTC at `at`, in ms (positive east of Greenwich). */
function offsetMs(at: Date, tz: string): number {
  const p = parts(at, tz);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant the day `key` (`YYYY-MM-DD`) starts in `tz`. */
export function startOfDay(key: string, tz: string): Date {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Twice: the offset at the guess may differ from the offset at local midnight (a DST change that day).
  let t = guess - offsetMs(new Date(guess), tz);
  t = guess - offsetMs(new Date(t), tz);
  return new Date(t);
}

/** Start of the day after `key` in `tz`. */
export function endOfDay(key: string, tz: string): Date {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return startOfDay(next.toISOString().slice(0, 10), tz);
}
