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
  startedAt: z.string(),
  heartbeat: z.number(),
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
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;
