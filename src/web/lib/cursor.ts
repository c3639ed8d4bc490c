import type { Event } from '../../api/index.js';

/**
 * Where the page is in the daemon's event stream. Persisted events (seq > 0) are applied once each, in order:
 * a replay after a reconnect (Last-Event-ID) that overlaps what was already seen is dropped. Live events (seq 0,
 * agent output) are not replayed and always pass.
 */
export class EventCursor {
  last = 0;
  applied = 0;
  dropped = 0;
  /** Gaps seen (first missing seq .. last missing); empty when nothing was missed. */
  gaps: Array<[number, number]> = [];

  accept(e: Pick<Event, 'seq'>): boolean {
    if (e.seq === 0) return true;
    if (e.seq <= this.last) {
      this.dropped++;
      return false;
    }
    if (this.last > 0 && e.seq > this.last + 1) this.gaps.push([this.last + 1, e.seq - 1]);
    this.last = e.seq;
    this.applied++;
    return true;
  }

  /** The URL to (re)open the stream from: after the last event applied. */
  url(base = '/api/events'): string {
    return this.last > 0 ? `${base}?since=${this.last}` : base;
  }
}
