import { randomUUID } from 'node:crypto';
import type { AnyEvent, BatchReport, ChannelHealth, ChannelResult, NotifyChannelName } from '../api/index.js';
import type { NotifyConfig } from '../config/notify-schema.js';
import { createChannels, type Channel } from './channels/index.js';
import { deliver, type RetryPolicy } from './deliver.js';
import { emptyHealth, readNotifyState, writeNotifyState } from './health.js';
import { digestOf, noticeOf, testNotice, type Notice } from './notice.js';
import { isQuiet } from './quiet.js';

const HOUR_MS = 3_600_000;
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
  /** Channels other than the configured ones (tests). */
  channels?: Channel[];
}

export interface Notifier {
  /** Every persisted daemon event; returns at once (delivery happens in the background and never throws). */
  onEvent: (e: AnyEvent) => void;
  /** `orch notify test`: a test message through each configured channel (or one), now, past quiet hours and limits. */
  test: (channel?: NotifyChannelName) => Promise<ChannelResult[]>;
  /** Sends the digests that are due (quiet hours over, rate window free); the daemon calls it every 30 s. */
  tick: () => void;
  health: () => Record<string, ChannelHealth>;
  channels: NotifyChannelName[];
  /** Resolves when every queued delivery is done (tests, shutdown). */
  settled: () => Promise<void>;
  start: () => void;
  stop: () => void;
}

interface Lane {
  ch: Channel;
  chain: Promise<void>;
  queued: number;
  sentAt: number[];
  held: Notice[];
  heldWhy: string;
  health: ChannelHealth;
}

export function createNotifier(d: NotifierDeps): Notifier {
  const now = d.now ?? (() => new Date());
  const redact = d.redact ?? ((s: string) => s);
  const policy: RetryPolicy = { retries: d.config.retries, baseDelayMs: d.backoffMs ?? 1000, maxDelayMs: Math.max(d.backoffMs ?? 1000, 60_000) };
  const channels = d.channels ?? createChannels(d.config, { env: d.env, secretsFile: d.secretsFile, project: d.project, timeoutMs: d.config.timeout_seconds * 1000, version: d.version });
  const saved = readNotifyState(d.stateFile);
  const lanes = new Map<string, Lane>(
    channels.map((ch) => {
      const held = (saved.held[ch.name] ?? []) as Notice[];
      return [ch.name, { ch, chain: Promise.resolve(), queued: 0, sentAt: [], held, heldWhy: 'during quiet hours', health: { ...emptyHealth(), ...saved.channels[ch.name], held: held.length } }];
    }),
  );
  let timer: NodeJS.Timeout | undefined;

  const save = (): void => {
    const s = { channels: {} as Record<string, ChannelHealth>, held: {} as Record<string, Notice[]> };
    for (const [name, l] of lanes) {
      s.channels[name] = { ...l.health, held: l.held.length };
      if (l.held.length) s.held[name] = l.held;
    }
    try {
      writeNotifyState(d.stateFile, s);
    } catch (e) {
      d.log(`notify: cannot record channel state in ${d.stateFile}: ${(e as Error).message}`);
    }
  };

  const record = (l: Lane, ok: boolean, detail: string): void => {
    const at = now().toISOString();
    if (ok) l.health = { ...l.health, lastOkAt: at, sent: l.health.sent + 1 };
    else l.health = { ...l.health, lastErrorAt: at, lastError: redact(detail), failed: l.health.failed + 1 };
    save();
  };

  /** Delivers one notice now (not behind the channel's queue), records and logs the outcome. */
  const attempt = async (l: Lane, n: Notice): Promise<{ ok: boolean; attempts: number; detail: string }> => {
    try {
      const r = await deliver(l.ch, n, randomUUID(), policy);
      if (!r.ok) d.log(`notify: ${l.ch.name}: "${n.title}" not delivered: ${redact(r.detail)}; \`orch notify test ${l.ch.name}\` checks the channel`);
      record(l, r.ok, r.detail);
      if (r.ok) d.sent?.(l.ch.name, n, r.messageId);
      return { ok: r.ok, attempts: r.attempts, detail: redact(r.detail) };
    } catch (e) {
      const detail = redact(`${(e as Error).message}`);
      d.log(`notify: ${l.ch.name}: ${detail}`);
      record(l, false, detail);
      return { ok: false, attempts: 1, detail };
    }
  };

  /** Queues one notice on its channel: deliveries of a channel go out one at a time, in order. */
  const send = (l: Lane, n: Notice): Promise<{ ok: boolean; attempts: number; detail: string }> => {
    l.queued++;
    const run = l.chain.then(() => attempt(l, n)).finally(() => l.queued--);
    l.chain = run.then(() => undefined);
    return run;
  };

  const rateFull = (l: Lane, t: number): boolean => {
    l.sentAt = l.sentAt.filter((s) => t - s < HOUR_MS);
    return l.ch.maxPerHour > 0 && l.sentAt.length >= l.ch.maxPerHour;
  };

  const hold = (l: Lane, n: Notice, why: string): void => {
    if (l.held.length === 0) l.heldWhy = why;
    l.held.push(n);
    save();
  };

  /** Sends now, or holds for the digest (quiet hours, rate limit, a long queue). */
  const offer = (l: Lane, n: Notice): void => {
    const at = now();
    if (isQuiet(l.ch.quiet, at, d.timezone)) return hold(l, n, 'during quiet hours');
    if (rateFull(l, at.getTime())) return hold(l, n, `by the rate limit (${l.ch.maxPerHour}/hour)`);
    if (l.queued >= MAX_QUEUED) return hold(l, n, 'while the channel was slow');
    if (l.held.length) {
      l.held.push(n);
      return flush(l, at);
    }
    l.sentAt.push(at.getTime());
    void send(l, n);
  };

  const flush = (l: Lane, at: Date): void => {
    const digest = l.held.length === 1 ? l.held[0] : digestOf(l.held, l.heldWhy, at);
    l.held = [];
    save();
    if (!digest) return;
    l.sentAt.push(at.getTime());
    void send(l, digest);
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

  return {
    channels: channels.map((c) => c.name),
    onEvent(e) {
      if (lanes.size === 0) return;
      try {
        const n = noticeOf(e, { ...(d.batch ? { batch: d.batch } : {}), ...(d.report ? { report: d.report } : {}) });
        if (!n) return;
        for (const l of lanes.values()) if (wants(l, n)) offer(l, n);
      } catch (err) {
        d.log(`notify: event ${e.seq} (${e.type}) not notified: ${(err as Error).message}`);
      }
    },
    async test(channel) {
      const picked = [...lanes.values()].filter((l) => !channel || l.ch.name === channel);
      const n = testNotice(now());
      // Not behind a queue of retries to a dead endpoint: the person asking waits for this message only.
      return Promise.all(picked.map(async (l) => ({ channel: l.ch.name, ...(await attempt(l, n)) })));
    },
    tick() {
      const at = now();
      for (const l of lanes.values()) {
        if (!l.held.length || isQuiet(l.ch.quiet, at, d.timezone) || rateFull(l, at.getTime()) || l.queued >= MAX_QUEUED) continue;
        flush(l, at);
      }
    },
    health: () => Object.fromEntries([...lanes].map(([name, l]) => [name, { ...l.health, held: l.held.length }])),
    settled: async () => {
      await Promise.all([...lanes.values()].map((l) => l.chain));
    },
    start() {
      if (lanes.size === 0 || timer) return;
      timer = setInterval(() => this.tick(), TICK_MS);
      timer.unref();
      // Held from before a restart: out as soon as they may.
      this.tick();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
