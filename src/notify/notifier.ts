import { randomUUID } from 'node:crypto';
import type { OutboxStore } from '../store/index.js';
import type { AnyEvent, BatchReport, ChannelHealth, ChannelResult, NotifyChannelName } from '../api/index.js';
import type { NotifyConfig } from '../config/notify-schema.js';
import { createChannels, type Channel } from './channels/index.js';
import { deliver, type RetryPolicy } from './deliver.js';
import { emptyHealth, readNotifyState, writeNotifyState } from './health.js';
import { digestOf, noticeOf, testNotice, type Notice } from './notice.js';
import { isQuiet } from './quiet.js';

const HOUR_MS = 3_600_000;
/** A notice no channel took for this long is dropped (and logged): a day-old "question waiting" helps nobody. */
const GIVE_UP_MS = 24 * HOUR_MS;
/** More than this waiting for one channel (a dead endpoint and a busy night) become one digest. */
const MAX_QUEUED = 20;
const TICK_MS = 30_000;

export interface NotifierDeps {
  config: NotifyConfig;
  /** The project's time zone (quiet hours); "" = the system's. */
  timezone: string;
  env: NodeJS.ProcessEnv;
  secretsFile: string;
  /** `notify.json` in the project's state dir. */
  stateFile: string;
  project: string;
  version: string;
  log: (msg: string) => void;
  /** Blanks secrets in what is logged and recorded. */
  redact?: (s: string) => string;
  now?: () => Date;
  /** A finished batch's report, for its summary. */
  batch?: (batchId: string) => BatchReport | undefined;
  /** O5: a finished batch's report (written to .orch/reports/), whose summary the batch.finished notice carries. */
  report?: (batchId: string) => { file: string; markdown: string } | undefined;
  /** A scheduled batch's `notify_on_complete` (true, false or channel names); undefined for other batches. */
  notifyOnComplete?: (batchId: string) => boolean | string[] | undefined;
  /** A notice went out through a channel (Telegram: as message `messageId`, which a reply can answer). */
  sent?: (channel: NotifyChannelName, n: Notice, messageId?: number) => void;
  /** First retry delay (ms); tests shorten it. */
  backoffMs?: number;
  /** First wait between rounds of attempts of a failing channel (doubled each round, at most an hour); tests shorten it. */
  roundMs?: number;
  /** Channels other than the configured ones (tests). */
  channels?: Channel[];
  /** The store's outbox: every notice is written here before its first attempt and removed once delivered. */
  outbox: Pick<OutboxStore, 'add' | 'list' | 'remove' | 'later' | 'replace'>;
  /**
   * Events persisted while no notifier listened (before it was created, or a daemon killed between an event and its
   * notice): `replay()` offers those after `cursor`, the seq of the last event that became a notice.
   */
  events?: { since: (seq: number, limit?: number) => AnyEvent[]; latest: () => number };
  cursor?: { get: () => number | undefined; set: (seq: number) => void };
}

export interface Notifier {
  /** Every persisted daemon event; returns at once (delivery happens in the background and never throws). */
  onEvent: (e: AnyEvent) => void;
  /** `orch notify test`: a test message through each configured channel (or one), now, past quiet hours and limits. */
  test: (channel?: NotifyChannelName) => Promise<ChannelResult[]>;
  /** Sends the digests that are due (quiet hours over, rate window free); the daemon calls it every 30 s. */
  tick: () => void;
  health: () => Record<string, ChannelHealth>;
  /** The channels configured now. */
  readonly channels: NotifyChannelName[];
  /**
   * `[notify]` changed under a running daemon (config reload): channels, events, quiet hours, rate limits and
   * retries apply from the next notice on. A channel kept keeps its queue and health; a channel removed is no longer
   * offered anything, and what waited for it stays in the outbox until it is configured again (or 24 h pass).
   */
  reconfigure: (config: NotifyConfig) => void;
  /** Offers the events persisted after the last one notified (see `NotifierDeps.events`); the daemon calls it once. */
  replay: () => void;
  /** Resolves when every queued delivery is done (tests, shutdown). */
  settled: () => Promise<void>;
  start: () => void;
  stop: () => void;
}

interface Lane {
  ch: Channel;
  chain: Promise<void>;
  /** Outbox ids being sent (or waiting in the chain). */
  inflight: Set<string>;
  sentAt: number[];
  heldWhy: string;
  health: ChannelHealth;
  /** A round of attempts failed: nothing new goes out before this (ms); new notices are held for a digest. */
  downUntil: number;
}

interface Pending {
  id: string;
  notice: Notice;
  attempts: number;
  createdAt: string;
}

export function createNotifier(d: NotifierDeps): Notifier {
  const now = d.now ?? (() => new Date());
  const redact = d.redact ?? ((s: string) => s);
  const roundMs = d.roundMs ?? 60_000;
  const policy: RetryPolicy = { retries: d.config.retries, baseDelayMs: d.backoffMs ?? 1000, maxDelayMs: Math.max(d.backoffMs ?? 1000, 60_000) };
  const channelsOf = (cfg: NotifyConfig): Channel[] =>
    createChannels(cfg, { env: d.env, secretsFile: d.secretsFile, project: d.project, timeoutMs: cfg.timeout_seconds * 1000, version: d.version });
  const channels = d.channels ?? channelsOf(d.config);
  const saved = readNotifyState(d.stateFile);
  const ob = d.outbox;
  const laneOf = (ch: Channel): Lane => ({ ch, chain: Promise.resolve(), inflight: new Set<string>(), sentAt: [], heldWhy: 'during quiet hours', health: { ...emptyHealth(), ...saved.channels[ch.name] }, downUntil: 0 });
  const lanes = new Map<string, Lane>(
    channels.map((ch) => {
      // Held in notify.json by an older Orch: into the outbox, once.
      for (const n of (saved.held[ch.name] ?? []) as Notice[]) ob.add(ch.name, n, 'held', now());
      return [ch.name, laneOf(ch)];
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  /** The daemon asked for delivery (start): a channel added later by a reload starts the timer. */
  let started = false;

  const healthOf = (name: string, l: Lane): ChannelHealth => ({ ...l.health, held: ob.list(name, 'held').length, waiting: ob.list(name, 'queued').filter((r) => r.attempts > 0).length });
  const save = (): void => {
    const s = { channels: {} as Record<string, ChannelHealth>, held: {} };
    for (const [name, l] of lanes) s.channels[name] = healthOf(name, l);
    try {
      writeNotifyState(d.stateFile, s);
    } catch (e) {
      d.log(`notify: cannot record channel state in ${d.stateFile}: ${(e as Error).message}`);
    }
  };
  if (lanes.size && Object.keys(saved.held).length) save();

  const record = (l: Lane, ok: boolean, detail: string): void => {
    const at = now().toISOString();
    if (ok) l.health = { ...l.health, lastOkAt: at, sent: l.health.sent + 1 };
    else l.health = { ...l.health, lastErrorAt: at, lastError: redact(detail), failed: l.health.failed + 1 };
  };

  /** Delivers one notice now (not behind the channel's queue), records and logs the outcome. */
  const attempt = async (l: Lane, n: Notice, deliveryId: string): Promise<{ ok: boolean; attempts: number; detail: string; retry: boolean }> => {
    try {
      const r = await deliver(l.ch, n, deliveryId, policy);
      if (!r.ok) d.log(`notify: ${l.ch.name}: "${n.title}" not delivered: ${redact(r.detail)}; \`orch notify test ${l.ch.name}\` checks the channel`);
      record(l, r.ok, r.detail);
      if (r.ok) d.sent?.(l.ch.name, n, r.messageId);
      return { ok: r.ok, attempts: r.attempts, detail: redact(r.detail), retry: r.retry ?? false };
    } catch (e) {
      const detail = redact(`${(e as Error).message}`);
      d.log(`notify: ${l.ch.name}: ${detail}`);
      record(l, false, detail);
      return { ok: false, attempts: 1, detail, retry: false };
    }
  };

  /** What a round's outcome leaves in the outbox: nothing once delivered (or refused for good), else the next round. */
  const settle = (l: Lane, p: Pending, r: { ok: boolean; detail: string; retry: boolean }): void => {
    const t = now().getTime();
    if (r.ok || !r.retry) ob.remove([p.id]);
    else if (t - Date.parse(p.createdAt) >= GIVE_UP_MS) {
      ob.remove([p.id]);
      d.log(`notify: ${l.ch.name}: "${p.notice.title}" dropped: not delivered in 24 h of attempts`);
    } else {
      const rounds = p.attempts + 1;
      const next = t + Math.min(HOUR_MS, roundMs * 2 ** (rounds - 1));
      ob.later(p.id, rounds, next, redact(r.detail));
      l.downUntil = Math.max(l.downUntil, next);
      d.log(`notify: ${l.ch.name}: "${p.notice.title}" kept; next attempt ${new Date(next).toISOString()}, new notices held until then`);
    }
    save();
  };

  /** Queues one outbox row on its channel: deliveries of a channel go out one at a time, in order. */
  const send = (l: Lane, p: Pending): void => {
    if (l.inflight.has(p.id)) return;
    l.inflight.add(p.id);
    const run = l.chain
      .then(async () => {
        // A round failed while this one waited: it stays in the outbox for the next round.
        if (l.downUntil > now().getTime()) return;
        settle(l, p, await attempt(l, p.notice, p.id));
      })
      .finally(() => l.inflight.delete(p.id));
    l.chain = run.then(() => undefined);
  };

  const rateFull = (l: Lane, t: number): boolean => {
    l.sentAt = l.sentAt.filter((s) => t - s < HOUR_MS);
    return l.ch.maxPerHour > 0 && l.sentAt.length >= l.ch.maxPerHour;
  };

  const hold = (l: Lane, n: Notice, why: string): void => {
    if (ob.list(l.ch.name, 'held').length === 0) l.heldWhy = why;
    ob.add(l.ch.name, n, 'held', now());
    save();
  };

  /** Sends now, or holds for the digest (quiet hours, rate limit, a failing or long queue). */
  const offer = (l: Lane, n: Notice): void => {
    const at = now();
    const t = at.getTime();
    if (isQuiet(l.ch.quiet, at, d.timezone)) return hold(l, n, 'during quiet hours');
    if (rateFull(l, t)) return hold(l, n, `by the rate limit (${l.ch.maxPerHour}/hour)`);
    if (l.downUntil > t) return hold(l, n, 'while the channel was failing');
    if (l.inflight.size >= MAX_QUEUED) return hold(l, n, 'while the channel was slow');
    if (ob.list(l.ch.name, 'held').length) {
      ob.add(l.ch.name, n, 'held', at);
      return flush(l, at);
    }
    l.sentAt.push(t);
    send(l, { id: ob.add(l.ch.name, n, 'queued', at), notice: n, attempts: 0, createdAt: at.toISOString() });
  };

  const flush = (l: Lane, at: Date): void => {
    const held = ob.list(l.ch.name, 'held');
    if (!held.length) return;
    const notices = held.map((r) => r.notice as Notice);
    const digest = notices.length === 1 && notices[0] ? notices[0] : digestOf(notices, l.heldWhy, at);
    const id = ob.replace(held.map((r) => r.id), l.ch.name, digest, at);
    l.sentAt.push(at.getTime());
    send(l, { id, notice: digest, attempts: 0, createdAt: held[0]?.createdAt ?? at.toISOString() });
    save();
  };

  /** Queued rows whose next attempt is due (all of them after a restart: `force`). */
  const retryDue = (l: Lane, t: number, force: boolean): void => {
    if (!force && l.downUntil > t) return;
    for (const r of ob.list(l.ch.name, 'queued')) {
      if (force || r.nextAt <= t) send(l, { id: r.id, notice: r.notice as Notice, attempts: r.attempts, createdAt: r.createdAt });
    }
  };

  const wants = (l: Lane, n: Notice): boolean => {
    if (n.kind === 'test' || n.kind === 'digest') return true;
    if (n.kind === 'batch.finished' && n.event?.type === 'batch.finished') {
      const batchId = (n.event.data as { batchId: string }).batchId;
      const scheduled = d.notifyOnComplete?.(batchId);
      if (Array.isArray(scheduled)) return scheduled.includes(l.ch.name);
      if (scheduled !== undefined) return scheduled;
    }
    return l.ch.events.includes(n.kind);
  };

  const onEvent = (e: AnyEvent): void => {
    if (lanes.size === 0) return;
    try {
      const n = noticeOf(e, { ...(d.batch ? { batch: d.batch } : {}), ...(d.report ? { report: d.report } : {}) });
      if (!n) return;
      for (const l of lanes.values()) if (wants(l, n)) offer(l, n);
      d.cursor?.set(e.seq);
    } catch (err) {
      d.log(`notify: event ${e.seq} (${e.type}) not notified: ${(err as Error).message}`);
    }
  };

  return {
    get channels() {
      return [...lanes.values()].map((l) => l.ch.name);
    },
    reconfigure(config) {
      const next = channelsOf(config);
      policy.retries = config.retries;
      // Channels where there were none: notices from now on (a later start must not replay the quiet time before).
      if (lanes.size === 0 && next.length > 0 && d.events) d.cursor?.set(d.events.latest());
      for (const name of [...lanes.keys()]) if (!next.some((ch) => ch.name === name)) lanes.delete(name);
      for (const ch of next) {
        const l = lanes.get(ch.name);
        if (l) l.ch = ch;
        else {
          lanes.set(ch.name, laneOf(ch));
          if (timer) retryDue(lanes.get(ch.name) as Lane, now().getTime(), true);
        }
      }
      if (lanes.size > 0 && !timer && started) this.start();
      save();
      d.log(`notify: channels now ${[...lanes.keys()].join(', ') || 'none'}`);
    },
    onEvent,
    replay() {
      if (lanes.size === 0 || !d.events || !d.cursor) return;
      const from = d.cursor.get();
      // A first start (or the first with channels) notifies what happens from now on, not the project's history.
      if (from === undefined) return d.cursor.set(d.events.latest());
      const oldest = now().getTime() - GIVE_UP_MS;
      for (let seq = from; ; ) {
        const page = d.events.since(seq, 500);
        for (const e of page) if (Date.parse(e.ts) >= oldest) onEvent(e);
        if (page.length < 500) break;
        seq = page[page.length - 1]?.seq ?? seq;
      }
    },
    async test(channel) {
      const picked = [...lanes.values()].filter((l) => !channel || l.ch.name === channel);
      const n = testNotice(now());
      // Not behind a queue of retries to a dead endpoint: the person asking waits for this message only.
      const results = await Promise.all(picked.map(async (l) => ({ channel: l.ch.name, ...(await attempt(l, n, randomUUID())) })));
      save();
      return results.map(({ retry: _retry, ...r }) => r);
    },
    tick() {
      const at = now();
      const t = at.getTime();
      for (const l of lanes.values()) {
        retryDue(l, t, false);
        if (l.downUntil > t || isQuiet(l.ch.quiet, at, d.timezone) || rateFull(l, t) || l.inflight.size >= MAX_QUEUED) continue;
        flush(l, at);
      }
    },
    health: () => Object.fromEntries([...lanes].map(([name, l]) => [name, healthOf(name, l)])),
    settled: async () => {
      await Promise.all([...lanes.values()].map((l) => l.chain));
    },
    start() {
      started = true;
      if (lanes.size === 0 || timer) return;
      timer = setInterval(() => this.tick(), TICK_MS);
      timer.unref();
      // What a stopped (or killed) daemon had not delivered goes out first, under the same delivery ids.
      for (const l of lanes.values()) retryDue(l, now().getTime(), true);
      this.tick();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
