import type { Redis } from 'ioredis';
import type { OutputEntry } from './jobs.js';
import { outputStream } from './names.js';

/**
 * What a worker streamed for a job after the entry `after`: `block` ms waiting for more, or none (0 would block
 * forever). `last` is the id to read after next time; entries that are not Orch's JSON are skipped.
 */
export async function readOutput(reader: Redis, jobId: string, after: string, block?: number): Promise<{ last: string; entries: OutputEntry[] }> {
  const res = (await (block
    ? reader.xread('COUNT', 500, 'BLOCK', block, 'STREAMS', outputStream(jobId), after)
    : reader.xread('COUNT', 5000, 'STREAMS', outputStream(jobId), after))) as Array<[string, Array<[string, string[]]>]> | null;
  let last = after;
  const entries: OutputEntry[] = [];
  for (const [, batch] of res ?? []) {
    for (const [id, fields] of batch) {
      last = id;
      try {
        entries.push(JSON.parse(fields[1] ?? '') as OutputEntry);
      } catch {
        // not an entry of ours
      }
    }
  }
  return { last, entries };
}
