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
}

/** Without `max_duration`, a batch missed while the daemon was down still runs if started within this long. */
export const DEFAULT_WINDOW_MIN = 60;
const lastKey = (name: string): string => `schedule.last.${name}`;

const cronOf = (b: ScheduledBatch): Cron => new Cron(b.cron, { paused: true, ...(b.timezone ? { timezone: b.timezone } : {}) });

/**
 * Cron batches (G6). The daemon calls `tick` on a timer and at start. Each batch's last start is written to the store
 * before the batch starts (so nothing runs twice), and a time that came while the daemon was down runs once on the
 * next tick if it is still inside its window (`max_duration`, else an hour); older ones are skipped and logged.
 */
export function createBatchSchedule(d: ScheduleDeps) {
  const load = (): { batches: ScheduledBatch[]; problems: ScheduleProblem[] } => loadSchedules(d.files(), d.timezone);
  const reported = new Set<string>();

  async function run(b: ScheduledBatch, at: Date, due: Date): Promise<string> {
    d.store.meta.set(lastKey(b.name), at.toISOString());
    const deadline = b.maxDurationMin ? new Date(due.getTime() + b.maxDurationMin * 60_000).toISOString() : undefined;
    const res = await d.start({
      tasks: b.tasks,
      ...(b.module ? { module: b.module } : {}),
      ...(b.maxTasks ? { count: b.maxTasks } : {}),
      name: `schedule ${b.name}`,
      ...(b.budgetUsd ? { budgetUsd: b.budgetUsd } : {}),
      ...(deadline ? { deadline } : {}),
    });
    d.store.meta.set(`schedule.batch.${res.batch.id}`, b.name);
    d.log(`scheduled batch ${b.name} started as ${res.batch.id}`);
    return res.batch.id;
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
      const name = d.store.meta.get(`schedule.batch.${batchId}`);
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
        const window = (b.maxDurationMin ?? DEFAULT_WINDOW_MIN) * 60_000;
        if (now.getTime() - due.getTime() > window) {
          d.store.meta.set(lastKey(b.name), now.toISOString());
          const why = `the daemon was down from before ${due.toISOString()} until ${now.toISOString()}, past the batch's ${window / 60_000} min window`;
          d.log(`scheduled batch ${b.name} of ${due.toISOString()} was missed (${why}); next at ${at?.toISOString() ?? 'never'}`);
          d.missed?.(b.name, due, `${why}; next at ${at?.toISOString() ?? 'never'}`);
          continue;
        }
        try {
          started.push(await run(b, now, due));
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
      return run(b, now, now);
    },
  };
}

export type BatchSchedule = ReturnType<typeof createBatchSchedule>;
