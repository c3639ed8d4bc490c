import { z } from 'zod';
import { Verification } from './schemas.js';

/** Wire shapes the web page needs beyond the CLI's: history, paged logs, diffs, projects, login links. */

/** `GET /api/runs`: the newest runs of every task, newest first (the logs page's list). */
export const RunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const HistoryQuery = z.object({
  /** Days back from today, today included. */
  days: z.coerce.number().int().min(1).max(366).default(30),
});

/** One series per key (a module, an agent, a model), aligned with `History.days`. */
export const HistorySeries = z.object({
  key: z.string(),
  tokens: z.array(z.number()),
  costUsd: z.array(z.number()),
  runs: z.array(z.number()),
});
export type HistorySeries = z.infer<typeof HistorySeries>;

export const History = z.object({
  /** `YYYY-MM-DD` (UTC), oldest first. */
  days: z.array(z.string()),
  /** Tasks merged per day. */
  merged: z.array(z.number()),
  failed: z.array(z.number()),
  tokens: z.array(z.number()),
  costUsd: z.array(z.number()),
  /** Mean minutes from start to end of the runs that merged that day (0 when none). */
  minutesPerTask: z.array(z.number()),
  byModule: z.array(HistorySeries),
  byAgent: z.array(HistorySeries),
  byModel: z.array(HistorySeries),
  rates: z.object({
    runs: z.number(),
    /** Shares of finished runs, 0..1. */
    success: z.number(),
    failure: z.number(),
    /** Runs that took more than one attempt (a retry, an answer, guidance): share of all runs. */
    retry: z.number(),
    /** Runs whose change was flagged for a human review: share of all runs. */
    review: z.number(),
  }),
  timePerTask: z.object({ count: z.number(), medianMs: z.number(), p90Ms: z.number(), meanMs: z.number() }),
});
export type History = z.infer<typeof History>;

export const LogPageQuery = z.object({
  /** Read forward from this byte offset (a line start). */
  after: z.coerce.number().int().min(0).optional(),
  /** Read backward from this byte offset; without after or before: the end of the log (its last lines). */
  before: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Only lines that contain this text (case-insensitive). */
  q: z.string().max(500).optional(),
  /** Only these streams, comma-separated: out, err, orch. */
  streams: z
    .string()
    .regex(/^(out|err|orch)(,(out|err|orch))*$/, 'streams is a comma-separated list of out, err, orch')
    .optional(),
});
export type LogPageQuery = z.input<typeof LogPageQuery>;

/** What the backend's parser made of an agent's output line (the same events for every agent CLI). */
export const LogEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_call'), name: z.string(), input: z.string() }),
  z.object({ type: z.literal('tool_result'), isError: z.boolean(), output: z.string() }),
  z.object({ type: z.literal('result'), ok: z.boolean(), text: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('retry'), message: z.string() }),
  z.object({ type: z.literal('session'), sessionId: z.string(), model: z.string().optional() }),
]);
export type LogEvent = z.infer<typeof LogEvent>;

export const LogLine = z.object({
  /** Byte offset of the line in the log: a stable id and where to page from. */
  o: z.number(),
  t: z.string(),
  s: z.enum(['out', 'err', 'orch']),
  l: z.string(),
  /** Parsed agent events of an `out` line; absent when the line is not the agent's JSON. */
  ev: z.array(LogEvent).optional(),
});
export type LogLine = z.infer<typeof LogLine>;

export const LogPage = z.object({
  runId: z.string(),
  backend: z.string(),
  /** The log's size in bytes now. */
  size: z.number(),
  lines: z.array(LogLine),
  /** Offset of the first byte read and of the byte after the last; page on with before=start or after=end. */
  start: z.number(),
  end: z.number(),
  /** More to read in the direction of the request (a search stops after scanning a bounded amount). */
  more: z.boolean(),
  /** Whether the run is still going (the log may grow). */
  live: z.boolean(),
});
export type LogPage = z.infer<typeof LogPage>;

export const DiffLine = z.object({ kind: z.enum(['add', 'del', 'ctx']), line: z.number(), oldLine: z.number().optional(), text: z.string() });
export const DiffFile = z.object({
  path: z.string(),
  oldPath: z.string().optional(),
  status: z.enum(['added', 'deleted', 'modified', 'renamed']),
  binary: z.boolean(),
  additions: z.number(),
  deletions: z.number(),
  lines: z.array(DiffLine),
  /** Lines of this file left out to keep the answer bounded. */
  truncated: z.boolean(),
});
export type DiffFile = z.infer<typeof DiffFile>;

export const RunDiff = z.object({
  runId: z.string(),
  taskId: z.string(),
  base: z.string(),
  head: z.string(),
  files: z.array(DiffFile),
  verification: z.array(Verification).nullable(),
});
export type RunDiff = z.infer<typeof RunDiff>;

/** Another project on this machine whose daemon runs. */
export const Project = z.object({
  key: z.string(),
  name: z.string(),
  root: z.string(),
  port: z.number(),
  current: z.boolean(),
  counts: z.record(z.string(), z.number()).nullable(),
  /** Runs that wait for a person (reviews, questions, guidance). */
  attention: z.number().nullable(),
});
export type Project = z.infer<typeof Project>;

export const ProjectOpenRequest = z.strictObject({ key: z.string().min(1).max(200) });
/** `url` on loopback; `remoteUrl` (the same one-time token) on the network listener when the daemon is bound beyond loopback. */
export const LoginLink = z.object({ url: z.string(), remoteUrl: z.string().optional() });
export type LoginLink = z.infer<typeof LoginLink>;
