import type { Event, EventType, Signal, Status } from '../../api/index.js';
import { get } from './api.js';
import { ACTED, say } from './actions.svelte.js';
import { EventCursor, reconnectDelay } from './cursor.js';

const TYPES = [
  'sync', 'task.status', 'run.state', 'run.usage', 'run.verified', 'run.output', 'run.waiting', 'run.signal', 'run.question',
  'run.answer', 'run.retry', 'batch.started', 'batch.finished', 'batch.missed', 'daemon.started', 'daemon.stopping', 'worktree.orphan', 'budget.warning',
  'budget.exceeded', 'run.step',
] as const satisfies readonly EventType[];
// Every event type the daemon sends has a listener: a new type fails the typecheck here until it is added above.
const everyType: Exclude<EventType, (typeof TYPES)[number]> extends never ? true : never = true;
void everyType;

export interface Activity {
  text: string;
  at: number;
}

/** The live state of the project: the status snapshot, patched and refreshed from the event stream. */
export class Live {
  status = $state<Status | null>(null);
  questions = $state<Signal[]>([]);
  connected = $state(false);
  /** 'ok' | 'login' (no session) | 'error' */
  auth = $state<'unknown' | 'ok' | 'login'>('unknown');
  error = $state<string | null>(null);
  activity = $state<Record<string, Activity>>({});
  feed = $state<Event[]>([]);
  /** Bumped on every persisted event: pages that show other data refetch on it. */
  version = $state(0);
  /**
   * Where the page is in the stream (shown on the connection dot): the last seq applied, how many, repeats dropped,
   * gaps, and reloads (the state fetched again because the daemon no longer held the events the page missed).
   */
  stream = $state({ last: 0, applied: 0, dropped: 0, gaps: 0, reloads: 0 });
  readonly cursor = new EventCursor();
  private es: EventSource | undefined;
  private refreshing: ReturnType<typeof setTimeout> | undefined;
  private pendingActivity = new Map<string, Activity>();
  /** The newest usage the events gave for each active run (see keepLiveUsage). */
  private usageSeen = new Map<string, Status['totals']>();
  private frame = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  /** Failed (re)connections in a row, for the backoff; whether the stream was ever open. */
  private attempt = 0;
  private opened = false;

  start(): void {
    this.connect();
    void this.refresh();
    // A dropped network can leave the stream's socket open and silent for minutes: close it when the browser says it is
    // offline, reopen after the last seq applied when it is back (the cursor drops whatever the replay repeats).
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    window.addEventListener(ACTED, this.onActed);
  }

  stop(): void {
    this.es?.close();
    clearTimeout(this.retry);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener(ACTED, this.onActed);
  }

  private readonly onActed = (): void => {
    this.version++;
    this.refreshSoon();
  };

  private readonly onOffline = (): void => {
    this.es?.close();
    this.es = undefined;
    clearTimeout(this.retry);
    this.connected = false;
  };

  private readonly onOnline = (): void => {
    this.attempt = 0;
    this.connect();
  };

  async refresh(): Promise<void> {
    // What the page had applied when it asked: events applied while the snapshot is on its way are newer than it.
    const asked = this.cursor.last;
    try {
      const [status, questions] = await Promise.all([get<Status>('/api/status'), get<Signal[]>('/api/questions')]);
      // A daemon whose newest event is older than what the page had when it asked lost its history: start over from its snapshot.
      if (status.lastSeq !== undefined && this.cursor.rebase(status.lastSeq, asked)) {
        this.feed = [];
        this.stream = { ...this.stream, reloads: this.stream.reloads + 1 };
        this.version++;
      }
      this.keepLiveUsage(status);
      this.status = status;
      this.questions = questions;
      this.auth = 'ok';
      this.error = null;
    } catch (e) {
      const err = e as { status?: number; message: string };
      if (err.status === 401) this.auth = 'login';
      else this.error = err.message;
    }
  }

  private refreshSoon(): void {
    if (this.refreshing) return;
    this.refreshing = setTimeout(() => {
      this.refreshing = undefined;
      void this.refresh();
    }, 150);
  }

  /**
   * Opens the stream after the last seq applied. Any failure (the daemon closed it, restarted, or cannot be reached)
   * closes it and reopens it here with backoff, from `?since=` the cursor's seq: the browser's own retry would
   * reopen the first URL on a fixed delay and give up for good on an HTTP error.
   */
  private connect(): void {
    this.es?.close();
    clearTimeout(this.retry);
    const es = new EventSource(this.cursor.url());
    this.es = es;
    es.onopen = () => {
      this.connected = true;
      const again = this.opened;
      this.attempt = 0;
      this.opened = true;
      // Whatever happened while disconnected that the replay does not carry (live output) is in the snapshot; pages
      // that show other data refetch once.
      if (again) this.version++;
      this.refreshSoon();
    };
    es.onerror = () => {
      this.connected = false;
      es.close();
      if (this.es !== es) return;
      this.es = undefined;
      if (!navigator.onLine) return;
      this.retry = setTimeout(() => this.connect(), reconnectDelay(this.attempt++));
    };
    for (const t of TYPES) es.addEventListener(t, (m) => this.onEvent(JSON.parse((m as MessageEvent<string>).data) as Event));
  }

  private onEvent(e: Event): void {
    const gaps = this.cursor.gaps.length;
    const accepted = this.cursor.accept(e);
    if (this.cursor.gaps.length > gaps) this.lostHistory();
    if (e.seq > 0) this.stream = { ...this.stream, last: this.cursor.last, applied: this.cursor.applied, dropped: this.cursor.dropped, gaps: this.cursor.gaps.length };
    if (!accepted) return;
    if (e.type === 'run.usage' && e.runId && this.status) {
      const run = this.status.active.find((r) => r.id === e.runId);
      const d = e.data as Partial<Status['totals']>;
      if (run) {
        const next = { ...run.usage, ...pickUsage(d) };
        this.usageSeen.set(run.id, next);
        // Today's totals in the snapshot hold this run's usage as it was then: they move by what it used since.
        const today = this.status.today;
        if (today) {
          today.tokens += total(next) - total(run.usage);
          today.costUsd += next.costUsd - run.usage.costUsd;
        }
        run.usage = next;
      }
    }
    if (e.seq === 0) {
      if (e.type === 'run.output' && e.runId) this.noteActivity(e.runId, e.data);
      return;
    }
    this.feed = [e, ...this.feed].slice(0, 100);
    this.version++;
    if (e.type !== 'run.usage') this.refreshSoon();
  }

  /**
   * The replay after a reconnect skipped seqs: the daemon deleted them (it keeps the newest daemon.events_kept). What
   * they changed is not patched in by events: the feed starts over and every page fetches its state again.
   */
  /**
   * A run's usage only grows, and a snapshot asked for before a live usage event may arrive after it: the page keeps
   * what the events said when it is more (cards would step back until the next event), and today's totals with it.
   */
  private keepLiveUsage(status: Status): void {
    const active = new Set(status.active.map((r) => r.id));
    for (const id of this.usageSeen.keys()) if (!active.has(id)) this.usageSeen.delete(id);
    for (const run of status.active) {
      const seen = this.usageSeen.get(run.id);
      if (!seen) continue;
      const next = {
        inputTokens: Math.max(seen.inputTokens, run.usage.inputTokens),
        outputTokens: Math.max(seen.outputTokens, run.usage.outputTokens),
        cacheReadTokens: Math.max(seen.cacheReadTokens, run.usage.cacheReadTokens),
        cacheWriteTokens: Math.max(seen.cacheWriteTokens, run.usage.cacheWriteTokens),
        costUsd: Math.max(seen.costUsd, run.usage.costUsd),
      };
      if (status.today) {
        status.today.tokens += total(next) - total(run.usage);
        status.today.costUsd += next.costUsd - run.usage.costUsd;
      }
      run.usage = next;
      this.usageSeen.set(run.id, next);
    }
  }

  private lostHistory(): void {
    const [from, to] = this.cursor.gaps.at(-1) ?? [0, 0];
    this.feed = [];
    this.stream = { ...this.stream, reloads: this.stream.reloads + 1 };
    this.version++;
    void this.refresh();
    say(`The daemon no longer holds the ${to - from + 1} events from while this page was away (it keeps the newest daemon.events_kept): the page reloaded its state.`);
  }

  /** Agent output arrives per line; the page takes the latest per run once a frame. */
  private noteActivity(runId: string, data: Record<string, unknown>): void {
    const ev = data.event as { type?: string; text?: string; name?: string } | undefined;
    if (!ev) return;
    const text = ev.type === 'text' ? (ev.text ?? '') : ev.type === 'tool_call' ? `→ ${ev.name ?? 'tool'}` : ev.type === 'tool_result' ? '← tool result' : '';
    if (!text) return;
    this.pendingActivity.set(runId, { text: text.slice(0, 200), at: Date.now() });
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const next = { ...this.activity };
      for (const [k, v] of this.pendingActivity) next[k] = v;
      this.pendingActivity.clear();
      this.activity = next;
    });
  }
}

const total = (u: Status['totals']): number => u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;

function pickUsage(d: Partial<Status['totals']>): Partial<Status['totals']> {
  const out: Partial<Status['totals']> = {};
  for (const k of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'costUsd'] as const) if (typeof d[k] === 'number') out[k] = d[k];
  return out;
}
