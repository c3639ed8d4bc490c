import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ClusterStatus, JobLogs, RunWorkers } from '../api/cluster.js';
import { outputStream, runJobsKey } from './names.js';
import { compatible } from './registry.js';
import type { OutputEntry } from './jobs.js';

/** The pool as a run's agent may see it: names, load, labels, agents; no hosts, repositories or Redis URL. */
export const runWorkersView = (s: ClusterStatus | undefined): RunWorkers => {
  if (!s) return { available: false, error: 'no cluster is configured: builds, tests and lint run next to the agent', workers: [] };
  return {
    available: s.available,
    ...(s.error ? { error: s.error } : {}),
    workers: s.workers.filter(compatible).map((w) => ({ name: w.name, running: w.running.length, jobs: w.jobs, labels: w.labels, agents: w.agents.map((a) => a.id), commands: w.commands === true })),
  };
};

const Entry = z.object({ id: z.string(), kind: z.string(), at: z.string() });

export class UnknownJobError extends Error {
  override readonly name = 'UnknownJobError';
}

/** The last `lines` lines of one of the run's own command jobs (`job`, else its latest); a job of another run is unknown. */
export async function runJobLogs(redis: Redis, runId: string, job: string | undefined, lines: number): Promise<JobLogs> {
  const jobs = (await redis.lrange(runJobsKey(runId), 0, 49)).flatMap((raw) => {
    try {
      const p = Entry.safeParse(JSON.parse(raw));
      return p.success ? [p.data] : [];
    } catch {
      return [];
    }
  });
  const chosen = job ?? jobs[0]?.id;
  if (chosen === undefined) return { jobs, lines: [] };
  if (!jobs.some((j) => j.id === chosen)) throw new UnknownJobError(`job ${chosen} is not a command job of run ${runId}; its jobs: ${jobs.map((j) => j.id).join(', ') || 'none'}`);
  const out: string[] = [];
  // Newest first, until enough lines: the stream also holds start entries.
  let end = '+';
  while (out.length < lines) {
    const batch = (await redis.xrevrange(outputStream(chosen), end, '-', 'COUNT', Math.min(1000, lines * 2))) as Array<[string, string[]]>;
    if (batch.length === 0) break;
    for (const [id, fields] of batch) {
      end = `(${id}`;
      try {
        const e = JSON.parse(fields[1] ?? '') as OutputEntry;
        if (e.k === 'line') out.push(e.s === 'stderr' ? `[stderr] ${e.l}` : e.l);
        else if (e.k === 'start') out.push(`[orch] attempt ${e.attempt} on worker ${e.worker}`);
      } catch {
        // not ours: skip
      }
      if (out.length >= lines) break;
    }
  }
  return { jobs, job: chosen, lines: out.reverse() };
}
