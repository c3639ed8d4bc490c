import { existsSync, readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import { isTimeZone } from '../budget/index.js';

/** One `[[batch]]` of a schedule.toml (G6). */
export interface ScheduledBatch {
  name: string;
  cron: string;
  maxTasks: number | null;
  /** Minutes; null = no limit. */
  maxDurationMin: number | null;
  /** true = every configured channel; a list names channels; false = none. */
  notifyOnComplete: boolean | string[];
  module: string | null;
  tasks: string[];
  budgetUsd: number | null;
  timezone: string;
  /** The file it came from. */
  file: string;
}

export interface ScheduleProblem {
  file: string;
  line: number;
  key: string;
  message: string;
  fix: string;
}

const DURATION = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/;

/** "4h", "90m", "1h30m", "2d" -> minutes; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const min = Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return min > 0 ? min : undefined;
}

/** Why a cron expression is refused, or undefined. */
export function cronProblem(expr: string, timezone: string): string | undefined {
  try {
    new Cron(expr, { paused: true, ...(timezone ? { timezone } : {}) });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const Batch = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ., _ and - (up to 64)'),
    cron: z.string().min(1),
    max_tasks: z.number().int().positive().optional(),
    max_duration: z.string().optional(),
    notify_on_complete: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
    module: z.string().min(1).optional(),
    tasks: z.array(z.string().min(1)).optional(),
    budget_usd: z.number().positive().optional(),
    timezone: z.string().optional(),
  })
  .strict();

const FIX: Record<string, string> = {
  name: 'write `name = "nightly"`',
  cron: 'write a five-field cron expression, e.g. `cron = "0 2 * * *"` (02:00 every day)',
  max_tasks: 'write a whole number, e.g. `max_tasks = 5`',
  max_duration: 'write a duration such as `max_duration = "4h"`, `"90m"` or `"1h30m"`',
  notify_on_complete: 'write `notify_on_complete = true`, or a list of channels: `["slack", "telegram"]`',
  module: 'write a module name, e.g. `module = "billing"`',
  tasks: 'write a list of task ids, e.g. `tasks = ["billing/E01"]`',
  budget_usd: 'write a positive number of US dollars, e.g. `budget_usd = 20`',
  timezone: 'write an IANA time zone, e.g. `timezone = "Europe/Berlin"`',
};

/** The line of `key` in the `index`-th `[[batch]]` (or of the header itself). */
function lineOf(text: string, index: number, key: string): number {
  const lines = text.split(/\r?\n/);
  let seen = -1;
  let header = 1;
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] ?? '').trim();
    if (/^\[\[\s*batch\s*\]\]/.test(l)) {
      seen++;
      if (seen === index) header = i + 1;
      else if (seen > index) break;
      continue;
    }
    if (seen === index && new RegExp(`^"?${key}"?\\s*=`).test(l)) return i + 1;
  }
  return header;
}

/**
 * Reads schedule.toml files (user config dir, then the project's `.orch/schedule.toml`; a project batch replaces a
 * user batch of the same name). Any problem is reported with file, line, key and fix, and that file adds nothing.
 */
export function loadSchedules(files: string[], defaultTimezone: string): { batches: ScheduledBatch[]; problems: ScheduleProblem[] } {
  const byName = new Map<string, ScheduledBatch>();
  const problems: ScheduleProblem[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const found = readScheduleText(text, file, defaultTimezone);
    problems.push(...found.problems);
    if (found.problems.length === 0) for (const b of found.batches) byName.set(b.name, b);
  }
  return { batches: [...byName.values()], problems };
}

export function readScheduleText(text: string, file: string, defaultTimezone: string): { batches: ScheduledBatch[]; problems: ScheduleProblem[] } {
  const problems: ScheduleProblem[] = [];
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (e) {
    const line = e instanceof TomlError ? e.line : 1;
    return { batches: [], problems: [{ file, line, key: '', message: `not valid TOML: ${(e as Error).message.split('\n')[0] ?? ''}`, fix: 'fix the TOML syntax at that line' }] };
  }
  for (const k of Object.keys(data)) {
    if (k !== 'batch') problems.push({ file, line: 1, key: k, message: `unknown key \`${k}\``, fix: 'a schedule.toml holds only [[batch]] tables' });
  }
  const list = Array.isArray(data.batch) ? (data.batch as unknown[]) : data.batch === undefined ? [] : [data.batch];
  const batches: ScheduledBatch[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const at = (key: string) => lineOf(text, i, key);
    const r = Batch.safeParse(raw);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const key = issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? '') : String(issue.path[0] ?? '');
        const received = key && raw && typeof raw === 'object' && key in raw ? ` (got ${JSON.stringify((raw as Record<string, unknown>)[key])})` : '';
        const message = issue.code === 'unrecognized_keys' ? `unknown key \`${key}\`` : `${key}: ${issue.message}${received}`;
        const fix = issue.code === 'unrecognized_keys' ? `known keys: ${Object.keys(FIX).join(', ')}` : (FIX[key] ?? 'see docs/schedules.md');
        problems.push({ file, line: at(key), key, message, fix });
      }
      return;
    }
    const b = r.data;
    const tz = b.timezone ?? defaultTimezone;
    if (!isTimeZone(tz)) problems.push({ file, line: at('timezone'), key: 'timezone', message: `timezone: unknown time zone ${JSON.stringify(tz)}`, fix: FIX.timezone ?? '' });
    const cronErr = cronProblem(b.cron, isTimeZone(tz) ? tz : '');
    if (cronErr) problems.push({ file, line: at('cron'), key: 'cron', message: `cron: ${JSON.stringify(b.cron)} is not a cron expression: ${cronErr}`, fix: FIX.cron ?? '' });
    const minutes = b.max_duration === undefined ? null : parseDuration(b.max_duration);
    if (minutes === undefined) problems.push({ file, line: at('max_duration'), key: 'max_duration', message: `max_duration: got ${JSON.stringify(b.max_duration)}, expected a duration`, fix: FIX.max_duration ?? '' });
    if (names.has(b.name)) problems.push({ file, line: at('name'), key: 'name', message: `name: two batches are called ${b.name}`, fix: 'give each [[batch]] its own name' });
    names.add(b.name);
    batches.push({
      name: b.name,
      cron: b.cron,
      maxTasks: b.max_tasks ?? null,
      maxDurationMin: minutes ?? null,
      notifyOnComplete: b.notify_on_complete ?? false,
      module: b.module ?? null,
      tasks: b.tasks ?? [],
      budgetUsd: b.budget_usd ?? null,
      timezone: tz,
      file,
    });
  });
  return { batches: problems.length ? [] : batches, problems };
}
