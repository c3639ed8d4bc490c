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

  /**
   * The daemon's newest seq (`latest`, in a snapshot asked for when the page had applied up to `asked`) is below what
   * the page had applied then: it lost its history (a new state directory). Events from there on are new; what happened
   * before is in the snapshot the caller reloads. A snapshot older than events applied while it was on its way is
   * no loss: those events came after it.
   */
  rebase(latest: number, asked = this.last): boolean {
    if (latest >= Math.min(asked, this.last)) return false;
    this.last = latest;
    this.gaps = [];
    return true;
  }

  /** The URL to (re)open the stream from: after the last event applied. */
  url(base = '/api/events'): string {
    return this.last > 0 ? `${base}?since=${this.last}` : base;
  }
}

/**
 * How long to wait before reopening the stream after its `attempt`-th failure in a row: 0.5 s doubling to 10 s,
 * each with up to a third taken off at random so that many pages of a restarted daemon do not return at once.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(10_000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(full * (1 - random() / 3));
}
