import { z } from 'zod';

/** One `orch worker` as it registers itself in Redis (heartbeat every few seconds). */
export const WorkerInfo = z.object({
  name: z.string(),
  host: z.string(),
  pid: z.number(),
  /** Capacity: at most this many jobs at once, across every daemon it serves. */
  jobs: z.number().int(),
  running: z.array(z.object({ id: z.string(), queue: z.string(), taskId: z.string().optional(), startedAt: z.string() })),
  labels: z.array(z.string()),
  agents: z.array(z.object({ id: z.string(), version: z.string().optional() })),
  repos: z.array(z.string()),
  /** It also takes build, test and lint jobs of its repositories. */
  commands: z.boolean().optional(),
  startedAt: z.string(),
  heartbeat: z.number(),
  /** Its Orch version and wire protocol; a worker of another protocol (or of before protocols) takes no job of this daemon. */
  orch: z.string().optional(),
  protocol: z.number().int().optional(),
});
export type WorkerInfo = z.infer<typeof WorkerInfo>;

/** `GET /api/workers` and `cluster` in `GET /api/status` (absent when no cluster is configured). */
export const ClusterStatus = z.object({
  /** The Redis URL, password hidden. */
  url: z.string(),
  repoUrl: z.string(),
  available: z.boolean(),
  /** Why the cluster is unavailable; local work goes on meanwhile. */
  error: z.string().optional(),
  workers: z.array(WorkerInfo),
  /** The daemon's Orch version and wire protocol: workers of another protocol are listed but take none of its jobs. */
  orch: z.string().optional(),
  protocol: z.number().int().optional(),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;

/** A build, test or lint as it ran: what `runProjectCommand` records. */
export const CommandRunResult = z.object({ command: z.string(), exitCode: z.number().nullable(), timedOut: z.boolean(), durationMs: z.number(), outputTail: z.string() });

/** `POST /api/runs/:id/commands/:kind` (a run's own token): where the project's command ran, and its result when a worker ran it. */
export const CommandAnswer = z.discriminatedUnion('where', [
  /** Run it next to the agent, as without a cluster; `reason` says why. */
  z.object({ where: z.literal('local'), reason: z.string() }),
  z.object({
    where: z.literal('worker'),
    worker: z.string(),
    jobId: z.string(),
    ok: z.boolean(),
    /** What the agent sees: the same text as a local run. */
    text: z.string(),
    result: CommandRunResult.optional(),
  }),
]);
export type CommandAnswer = z.infer<typeof CommandAnswer>;

/** `GET /api/runs/:id/workers` (a run's own token): the pool as an agent may see it; no hosts, no URLs, no secrets. */
export const RunWorkers = z.object({
  available: z.boolean(),
  error: z.string().optional(),
  workers: z.array(z.object({
    name: z.string(),
    running: z.number(),
    jobs: z.number(),
    labels: z.array(z.string()),
    agents: z.array(z.string()),
    commands: z.boolean(),
  })),
});
export type RunWorkers = z.infer<typeof RunWorkers>;

/** `GET /api/runs/:id/jobs/logs?job=&lines=` (a run's own token): the output of that run's own command jobs. */
export const JobLogs = z.object({
  jobs: z.array(z.object({ id: z.string(), kind: z.string(), at: z.string() })),
  /** The job shown (the one asked for, else the latest); absent when the run has none. */
  job: z.string().optional(),
  lines: z.array(z.string()),
});
export type JobLogs = z.infer<typeof JobLogs>;
