import { Cron } from 'croner';
import type { StartRequest } from '../api/index.js';
import type { Store } from '../store/index.js';
import { loadSchedules, type ScheduledBatch, type ScheduleProblem } from './file.js';

/** A scheduled batch as `orch batch list` shows it. */
export interface ScheduleEntry extends ScheduledBatch {
  /** The next time it runs (ISO), or null when the expression never fires again. */
  next: string | null;
  /** When it last started (ISO), or null. */
  last: string | null;
}

export interface ScheduleDeps {
  store: Store;
  files: () => string[];
  timezone: string;
  now: () => Date;
  start: (req: StartRequest) => Promise<{ batch: { id: string } }>;
  log: (msg: string) => void;
  /** A batch whose time came did not run (missed past its window, or its start failed): said to people. */
  missed?: (name: string, due: Date, reason: string) => void;
  /** Fault injection for the chaos tests: called at named points (`schedule.intent`); the daemon may die there. */
  fault?: (point: string) => void;
}

/** What `tick` writes before it starts a due batch, and clears once the batch exists and is linked to its schedule. */
interface Intent {
  /** The cron time it is for (ISO). */
  due: string;
  /** When the start was decided (ISO). */
  at: string;
  /** The newest batch of this schedule before this start: a newer one is the batch this intent started. */
  prev: string | null;
}

/** Without `max_duration`, a batch missed while the daemon was down still runs if started within this long. */
export const DEFAULT_WINDOW_MIN = 60;
const lastKey = (name: string): string => `schedule.last.${name}`;
const intentKey = (name: string): string => `schedule.intent.${name}`;
const linkKey = (batchId: string): string => `schedule.batch.${batchId}`;
const batchName = (name: string): string => `schedule ${name}`;

const cronOf = (b: ScheduledBatch): Cron => new Cron(b.cron, { paused: true, ...(b.timezone ? { timezone: b.timezone } : {}) });

/**
 * Cron batches (G6). The daemon calls `tick` on a timer and at start. Before a due batch starts, its last start and an
 * intent (the cron time it is for) are written in one transaction, and the intent is cleared in the transaction that
 * links the started batch to its schedule: nothing runs twice. A daemon killed in between finds the intent on its next
 * tick: the batch that did start is linked (its notify_on_complete kept), one that did not starts now if its time is
 * still inside its window, else it is a `batch.missed`. A time that came while the daemon was down runs once on the
 * next tick if it is still inside its window (`max_duration`, else an hour); older ones are skipped and said.
 */
export function createBatchSchedule(d: ScheduleDeps) {
  const load = (): { batches: ScheduledBatch[]; problems: ScheduleProblem[] } => loadSchedules(d.files(), d.timezone);
  const reported = new Set<string>();
  /** Schedules whose start is under way in this process: their intent is not a leftover of a killed daemon. */
  const inFlight = new Set<string>();
  const tx = (fn: () => void): void => d.store.db.transaction(fn)();
  const windowMs = (b: ScheduledBatch): number => (b.maxDurationMin ?? DEFAULT_WINDOW_MIN) * 60_000;

  const readIntent = (name: string): Intent | undefined => {
    const text = d.store.meta.get(intentKey(name));
    if (!text) return undefined;
    try {
      return JSON.parse(text) as Intent;
    } catch {
      return undefined;
    }
  };

  async function run(b: ScheduledBatch, at: Date, due: Date, cron: boolean): Promise<string> {
    inFlight.add(b.name);
    try {
      tx(() => {
        d.store.meta.set(lastKey(b.name), at.toISOString());
        if (cron) d.store.meta.set(intentKey(b.name), JSON.stringify({ due: due.toISOString(), at: at.toISOString(), prev: d.store.batches.named(batchName(b.name), 1)[0]?.id ?? null } satisfies Intent));
      });
      if (cron) d.fault?.('schedule.intent');
      const deadline = b.maxDurationMin ? new Date(due.getTime() + b.maxDurationMin * 60_000).toISOString() : undefined;
      let res: { batch: { id: string } };
      try {
        res = await d.start({
          tasks: b.tasks,
          ...(b.module ? { module: b.module } : {}),
          ...(b.maxTasks ? { count: b.maxTasks } : {}),
          name: batchName(b.name),
          ...(b.budgetUsd ? { budgetUsd: b.budgetUsd } : {}),
          ...(deadline ? { deadline } : {}),
        });
      } catch (e) {
        // Refused (bad plan, forge not ready): said as missed by the caller, not retried from the intent.
        d.store.meta.delete(intentKey(b.name));
        throw e;
      }
      if (cron) d.fault?.('schedule.started');
      tx(() => {
        d.store.meta.set(linkKey(res.batch.id), b.name);
        d.store.meta.delete(intentKey(b.name));
      });
      d.log(`scheduled batch ${b.name} started as ${res.batch.id}`);
      return res.batch.id;
    } finally {
      inFlight.delete(b.name);
    }
  }

  /**
   * An intent left by a daemon killed between deciding a start and linking the batch. Returns the batch id when the
   * batch runs (it had started, or starts now).
   */
  async function reconcile(b: ScheduledBatch, intent: Intent, now: Date): Promise<string | undefined> {
    const newest = d.store.batches.named(batchName(b.name), 1)[0];
    if (newest && newest.id !== intent.prev) {
      tx(() => {
        d.store.meta.set(linkKey(newest.id), b.name);
        d.store.meta.delete(intentKey(b.name));
      });
      d.log(`scheduled batch ${b.name} of ${intent.due} had started as ${newest.id} before the daemon stopped; kept`);
      return undefined;
    }
    const due = new Date(intent.due);
    if (now.getTime() - due.getTime() <= windowMs(b)) {
      d.log(`scheduled batch ${b.name} of ${intent.due} was about to start when the daemon stopped; starting it now`);
      try {
        return await run(b, now, due, true);
      } catch (e) {
        d.log(`scheduled batch ${b.name} could not start: ${(e as Error).message}`);
        d.missed?.(b.name, due, `it could not start: ${(e as Error).message}`);
        return undefined;
      }
    }
    d.store.meta.delete(intentKey(b.name));
    const why = `the daemon stopped as it was starting it (${intent.at}) and was back at ${now.toISOString()}, past the batch's ${windowMs(b) / 60_000} min window`;
    d.log(`scheduled batch ${b.name} of ${intent.due} was missed (${why})`);
    d.missed?.(b.name, due, why);
    return undefined;
  }

  return {
    list(): { batches: ScheduleEntry[]; problems: ScheduleProblem[] } {
      const { batches, problems } = load();
      const now = d.now();
      return {
        problems,
        batches: batches.map((b) => ({ ...b, next: cronOf(b).nextRun(now)?.toISOString() ?? null, last: d.store.meta.get(lastKey(b.name)) ?? null })),
      };
    },
    /** The batch a finished batch id was started for, if a schedule started it. */
    scheduleOf(batchId: string): ScheduledBatch | undefined {
      const name = d.store.meta.get(linkKey(batchId));
      return name ? load().batches.find((b) => b.name === name) : undefined;
    },
    /** Starts what is due; returns the batch ids started. */
    async tick(): Promise<string[]> {
      const { batches, problems } = load();
      for (const p of problems) {
        const key = `${p.file}:${p.line}:${p.message}`;
        if (!reported.has(key)) d.log(`schedule: ${p.file}:${p.line}: ${p.message}. Fix: ${p.fix}`);
        reported.add(key);
      }
      const now = d.now();
      const started: string[] = [];
      for (const b of batches) {
        const intent = inFlight.has(b.name) ? undefined : readIntent(b.name);
        if (intent) {
          const id = await reconcile(b, intent, now);
          if (id) started.push(id);
        }
        if (inFlight.has(b.name)) continue;
        const lastText = d.store.meta.get(lastKey(b.name));
        if (!lastText) {
          // First sight of this batch: it counts from now, not from the past.
          d.store.meta.set(lastKey(b.name), now.toISOString());
          continue;
        }
        const cron = cronOf(b);
        let due: Date | null = null;
        let at = cron.nextRun(new Date(lastText));
        for (let i = 0; at && at.getTime() <= now.getTime() && i < 10_000; i++) {
          due = at;
          at = cron.nextRun(at);
        }
        if (!due) continue;
        const window = windowMs(b);
        if (now.getTime() - due.getTime() > window) {
          d.store.meta.set(lastKey(b.name), now.toISOString());
          const why = `the daemon was down from before ${due.toISOString()} until ${now.toISOString()}, past the batch's ${window / 60_000} min window`;
          d.log(`scheduled batch ${b.name} of ${due.toISOString()} was missed (${why}); next at ${at?.toISOString() ?? 'never'}`);
          d.missed?.(b.name, due, `${why}; next at ${at?.toISOString() ?? 'never'}`);
          continue;
        }
        try {
          started.push(await run(b, now, due, true));
        } catch (e) {
          d.log(`scheduled batch ${b.name} could not start: ${(e as Error).message}`);
          d.missed?.(b.name, due, `it could not start: ${(e as Error).message}`);
        }
      }
      return started;
    },
    /** `orch batch run NAME`: now, whatever the cron says. */
    async runNow(name: string): Promise<string | undefined> {
      const b = load().batches.find((x) => x.name === name);
      if (!b) return undefined;
      const now = d.now();
      return run(b, now, now, false);
    },
  };
}

export type BatchSchedule = ReturnType<typeof createBatchSchedule>;
