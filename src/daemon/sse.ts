import type { Writable } from 'node:stream';
import type { Event } from '../api/index.js';

/** Bytes an /api/events client may have unread before live (unpersisted) events to it are dropped. */
export const SSE_LIVE_BUFFER = 1024 * 1024;

/**
 * Writes events to one server-sent-events client. Persisted events (seq > 0, replayable with Last-Event-ID) always
 * go out. Live ones (run.output: every line an agent prints) are skipped with `output: false`, and dropped while the
 * client has more than SSE_LIVE_BUFFER unread, then counted in a comment: a client that does not keep up misses live
 * output (the run log has all of it) instead of the daemon buffering it (50 flooding agents grew the daemon by
 * hundreds of MB per slow client, bench/ingest.ts --events).
 */
export function createEventSender(res: Writable, opts: { output: boolean }) {
  let dropped = 0;
  return (e: Event): void => {
    if (e.seq === 0) {
      if (!opts.output) return;
      if (res.writableLength > SSE_LIVE_BUFFER) {
        dropped++;
        return;
      }
      if (dropped > 0) {
        res.write(`: ${dropped} live events dropped; the client was not keeping up\n\n`);
        dropped = 0;
      }
    }
    res.write(`${e.seq > 0 ? `id: ${e.seq}\n` : ''}event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
  };
}
