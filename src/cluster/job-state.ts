import { Job, type Queue } from 'bullmq';

/**
 * A job's state, then the job as it is in that state. Read the other way round (the job, then its state), a job that
 * completes between the two reads looks completed with no return value yet, or failed with no reason.
 */
export async function readJob(queue: Queue, id: string): Promise<{ state: string; job?: Job }> {
  const state = await queue.getJobState(id);
  if (state === 'unknown') return { state };
  const job = await Job.fromId(queue, id);
  return job ? { state, job } : { state: 'unknown' };
}
