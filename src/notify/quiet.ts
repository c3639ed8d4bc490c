/**
 * Quiet hours ("22:00-07:00") in the project's time zone. A span that ends before it starts runs over midnight;
 * "" is never quiet. Everything takes `now` so a fake clock drives it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function minuteOfDay(now: Date, tz: string): number {
  const key = tz || 'system';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...(tz ? { timeZone: tz } : {}), hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    formatters.set(key, f);
  }
  const parts = f.formatToParts(now);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

export interface QuietHours {
  start: number;
  end: number;
}

/** Minutes of the day, or undefined for "" (and for what the config schema would have refused). */
export function parseQuietHours(spec: string): QuietHours | undefined {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(spec);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  return start === end ? undefined : { start, end };
}

export function isQuiet(q: QuietHours | undefined, now: Date, tz: string): boolean {
  if (!q) return false;
  const m = minuteOfDay(now, tz);
  return q.start < q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end;
}
