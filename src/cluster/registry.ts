import type { Redis } from 'ioredis';
import { PROTOCOL, WORKER_TTL_MS, WORKERS_KEY } from './names.js';
import { WorkerInfo } from '../api/cluster.js';

export async function publishWorker(redis: Redis, info: WorkerInfo): Promise<void> {
  await redis.hset(WORKERS_KEY, info.name, JSON.stringify(info));
}

export async function removeWorker(redis: Redis, name: string): Promise<void> {
  await redis.hdel(WORKERS_KEY, name);
}

/** Live workers (heartbeat within the TTL); entries of dead ones are removed as they are seen. */
export async function listWorkers(redis: Redis, now = Date.now()): Promise<WorkerInfo[]> {
  const all = await redis.hgetall(WORKERS_KEY);
  const out: WorkerInfo[] = [];
  for (const [name, raw] of Object.entries(all)) {
    let parsed;
    try {
      parsed = WorkerInfo.safeParse(JSON.parse(raw));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success || now - parsed.data.heartbeat > WORKER_TTL_MS * 4) {
      await redis.hdel(WORKERS_KEY, name);
      continue;
    }
    if (now - parsed.data.heartbeat <= WORKER_TTL_MS) out.push(parsed.data);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether a worker speaks this daemon's protocol: one that does not listens on other queues and takes none of its jobs. */
export const compatible = (w: WorkerInfo): boolean => w.protocol === PROTOCOL;

/** Whether a worker can take an agent job for this backend, labels and repository. */
export const serves = (w: WorkerInfo, o: { backend?: string; labels: readonly string[]; repoUrl: string }): boolean =>
  compatible(w) &&
  (o.backend === undefined || w.agents.some((a) => a.id === o.backend)) &&
  o.labels.every((l) => w.labels.includes(l)) &&
  (w.repos.length === 0 || w.repos.includes(o.repoUrl));
