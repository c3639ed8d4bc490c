import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { ReviewItem, Signal, Status, Task, type Event } from '../api/index.js';
import type { Client } from '../client/index.js';
import { PANE_EVENTS } from './panes.js';
import type { Action } from './state.js';

export interface FeedOptions {
  /** Finds the daemon (reading its file again, so a restarted daemon is found); throws when none answers. */
  connect: () => Promise<Client>;
  dispatch: (a: Action) => void;
  /** The highest persisted event seq the UI has seen: a reconnect replays from there. */
  lastSeq: () => number;
  /** How often queued events are handed to the UI (one render per frame at most). */
  frameMs?: number;
  /** Live output events kept per run between frames (what a pane keeps); more are counted as skipped. */
  paneCap?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Persisted events trigger a reload of the lists at most this often. */
  refreshMs?: number;
}

export interface Feed {
  start(): void;
  stop(): void;
  /** The connected client, for actions; undefined while the daemon is away. */
  client(): Client | undefined;
  /** Reloads status, tasks, questions and reviews now (after an action). */
  refresh(): Promise<void>;
}

/**
 * The TUI's only line to the daemon: a snapshot of the lists, then the event stream, batched per frame. Under a flood
 * each run keeps at most `paneCap` queued output events (the rest counted as skipped), so memory stays bounded. When
 * the daemon goes away it says so and reconnects with backoff, replaying missed events by seq and reloading the lists.
 */
export function createFeed(o: FeedOptions): Feed {
  const frameMs = o.frameMs ?? 33;
  const cap = o.paneCap ?? PANE_EVENTS;
  const backoff = o.backoff ?? { initialMs: 500, maxMs: 10_000 };
  let stopped = false;
  let current: Client | undefined;
  let abort = new AbortController();
  let others: Event[] = [];
  const outputs = new Map<string, Event[]>();
  const skipped = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  let lastRefresh = 0;

  // PERF: what the last frame of events cost to draw (dispatch to the next turn of the event loop: React and Ink
  // render in the microtasks between). Event frames come no more often than every two of those, so drawing output
  // takes at most a third of the time and a key (drawn at once, not through here) rarely waits behind a frame: under
  // a flood on a loaded machine a frame of six full panes cost 30 to 60 ms, and 30 of them a second left keys queued.
  let frameCost = 0;
  const flush = (): void => {
    timer = undefined;
    const events = others;
    others = [];
    for (const [runId, list] of outputs) {
      const over = list.length - cap;
      if (over > 0) skipped.set(runId, (skipped.get(runId) ?? 0) + over);
      events.push(...(over > 0 ? list.slice(over) : list));
    }
    outputs.clear();
    const skip = Object.fromEntries(skipped);
    skipped.clear();
    if (events.length === 0 && Object.keys(skip).length === 0) return;
    const start = performance.now();
    o.dispatch({ type: 'events', events, skipped: skip });
    // React renders (and Ink draws) in a microtask queued by the dispatch: known before the next timer runs; later
    // work of the frame is added on the next turn.
    queueMicrotask(() => {
      frameCost = performance.now() - start;
    });
    setImmediate(() => {
      frameCost = Math.max(frameCost, performance.now() - start);
    });
  };
  const schedule = (): void => {
    timer ??= setTimeout(flush, Math.max(frameMs, 2 * frameCost));
  };

  const push = (e: Event): void => {
    if (e.type === 'run.output' && e.runId) {
      let list = outputs.get(e.runId);
      if (!list) outputs.set(e.runId, (list = []));
      list.push(e);
      // PERF: amortised O(1) cap: drop the older half when twice the cap is queued.
      if (list.length >= cap * 2) {
        list.splice(0, cap);
        skipped.set(e.runId, (skipped.get(e.runId) ?? 0) + cap);
      }
    } else {
      others.push(e);
      if (e.seq > 0 && e.type !== 'run.usage') refreshSoon();
    }
    schedule();
  };

  async function load(c: Client): Promise<void> {
    const [status, tasks, questions, reviews] = await Promise.all([
      c.get('/api/status', Status),
      c.get('/api/tasks', z.array(Task)),
      c.get('/api/questions', z.array(Signal)),
      c.get('/api/reviews', z.array(ReviewItem)),
    ]);
    lastRefresh = Date.now();
    o.dispatch({ type: 'snapshot', status, tasks, questions, reviews });
  }

  function refreshSoon(): void {
    if (refreshTimer) return;
    const wait = Math.max(0, (o.refreshMs ?? 300) - (Date.now() - lastRefresh));
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      if (current) void load(current).catch(() => undefined);
    }, wait);
  }

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });

  async function loop(): Promise<void> {
    let attempt = 0;
    let everConnected = false;
    while (!stopped) {
      o.dispatch({ type: 'conn', conn: { state: 'connecting', message: attempt > 0 ? 'reconnecting to the daemon' : null, attempt } });
      try {
        const c = await o.connect();
        current = c;
        const since = o.lastSeq();
        const stream = c.events(push, {
          // First connect: live from now (the snapshot has the past); after that, replay what was missed.
          ...(everConnected && since > 0 ? { since } : {}),
          signal: abort.signal,
          onDropped: (n) => {
            // The daemon does not say whose lines it dropped: count them on every running pane's behalf at once.
            skipped.set('*', (skipped.get('*') ?? 0) + n);
            schedule();
          },
        });
        await load(c);
        everConnected = true;
        attempt = 0;
        o.dispatch({ type: 'conn', conn: { state: 'live', message: null, attempt: 0 } });
        await stream;
        if (stopped) return;
        throw new Error('the daemon closed the event stream');
      } catch (e) {
        current = undefined;
        if (stopped) return;
        attempt++;
        const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (attempt - 1));
        o.dispatch({
          type: 'conn',
          // The retry first: on a narrow terminal the reason is what gets cut.
          conn: { state: 'lost', message: `daemon unreachable, retrying in ${(delay / 1000).toFixed(1)} s (${(e as Error).message.split('\n')[0] ?? ''})`, attempt },
        });
        await sleep(delay, abort.signal);
      }
    }
  }

  return {
    start() {
      void loop();
    },
    stop() {
      stopped = true;
      abort.abort();
      abort = new AbortController();
      if (timer) clearTimeout(timer);
      if (refreshTimer) clearTimeout(refreshTimer);
    },
    client: () => current,
    async refresh() {
      if (current) await load(current);
    },
  };
}
