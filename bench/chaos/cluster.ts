// Chaos suite, part 7: the cluster mode. A real redis-server and `orch worker` processes serve the project; the kill
// loop also kills a worker the way a machine dies (the worker and every process under it, kill -9) and Redis
// (kill -9, restarted on the same port and append-only file after a moment).
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../src/agents/index.js';
import { startRedis } from '../../src/cluster/testing/redis.js';
import { startWorkerProc, type WorkerProc } from '../../src/cluster/testing/workers.js';
import { Job, Queue } from 'bullmq';
import { connect } from '../../src/cluster/connection.js';
import { PREFIX } from '../../src/cluster/names.js';
import { listWorkers } from '../../src/cluster/registry.js';
import type { Project } from './project.js';

/** The worker's lock: a killed worker's job goes to another one this long after its last renewal. */
const LOCK_MS = 5000;

/** `pid` and every process below it (by parent pid), read before anything is killed so none is reparented away. */
function tree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

const killAll = (pids: number[]): void => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};

export interface ChaosCluster {
  live: () => WorkerProc[];
  /**
   * kill -9 a worker that holds an agent job (with everything under it: its agents, their sandboxes), then start a new
   * one in its place. `midJob`: the job was still active, held by that worker, when it died (read from Redis before and
   * after the kill); false only when no worker took an agent job within 30 s or the job ended just before the kill.
   */
  killWorker: (pick: <T>(ws: readonly T[]) => T | undefined, log: (l: string) => void) => Promise<{ killed: boolean; midJob: boolean }>;
  /** kill -9 Redis, and start it again on the same port and data after `downMs`. */
  killRedis: (downMs: number, log: (l: string) => void) => Promise<void>;
  /** Stops the workers (SIGTERM: they wait for their jobs; SIGKILL after a while) and Redis. */
  stop: () => Promise<void>;
}

/** Starts Redis and `workers` workers for the project and points the project's daemon at it. */
export async function startChaosCluster(p: Project, workers: number): Promise<ChaosCluster> {
  let redis = await startRedis();
  p.env.ORCH_REDIS_URL = redis.url;
  let n = 0;
  const live: WorkerProc[] = [];
  const add = (): WorkerProc => {
    const w = startWorkerProc({ base: p.base, name: `w${++n}`, redis: redis.url, repos: [p.repo], env: p.env, jobs: 2, lockMs: LOCK_MS });
    live.push(w);
    return w;
  };
  for (let i = 0; i < workers; i++) add();
  await Promise.all(live.map((w) => w.ready));
  // Who holds which job, as the workers tell Redis (their registration lists their running jobs) and as BullMQ has it.
  const client = connect(redis.url, { name: 'orch-chaos' });
  client.on('error', () => undefined);
  const queues = new Map<string, Queue>();
  const queueOf = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: client, prefix: PREFIX });
      q.on('error', () => undefined);
      queues.set(name, q);
    }
    return q;
  };
  /** Live workers holding an agent job that BullMQ has active, with the job. */
  const holders = async (): Promise<Array<{ w: WorkerProc; job: string; queue: string }>> => {
    const out: Array<{ w: WorkerProc; job: string; queue: string }> = [];
    for (const info of await listWorkers(client).catch(() => [])) {
      const w = live.find((x) => x.name === info.name);
      for (const r of info.running) {
        if (!w || r.queue.includes('.command.')) continue;
        if ((await queueOf(r.queue).getJobState(r.id).catch(() => 'unknown')) === 'active') out.push({ w, job: r.id, queue: r.queue });
      }
    }
    return out;
  };
  return {
    live: () => [...live],
    killWorker: async (pick, log) => {
      // A worker killed mid-job is what this kill is for: wait for one that holds an active agent job.
      let busy: Array<{ w: WorkerProc; job: string; queue: string }> = [];
      for (const until = Date.now() + 30_000; busy.length === 0 && Date.now() < until; ) {
        busy = await holders();
        if (busy.length === 0) await sleep(100);
      }
      const held = pick(busy);
      const victim = held?.w ?? pick(live);
      if (!victim?.child.pid) return { killed: false, midJob: false };
      const pids = tree(victim.child.pid);
      const killedAt = Date.now();
      log(`  kill -9 worker ${victim.name}${held ? ` holding job ${held.job}` : ' (no worker took an agent job within 30 s)'} and ${pids.length - 1} process(es) under it`);
      killAll(pids);
      for (let i = 0; i < 100 && pids.some(isAlive); i++) await sleep(20);
      live.splice(live.indexOf(victim), 1);
      // The job ended on that worker just before it died: not a kill mid-job after all.
      let midJob = false;
      if (held) {
        const job = await Job.fromId(queueOf(held.queue), held.job).catch(() => undefined);
        const rv = job?.returnvalue as { worker?: string } | undefined;
        midJob = !(job?.finishedOn !== undefined && job.finishedOn <= killedAt && rv?.worker === victim.name);
        if (!midJob) log(`  job ${held.job} had just ended on ${victim.name}`);
      }
      await add().ready.catch((e: unknown) => log(`  a new worker did not start: ${(e as Error).message}`));
      return { killed: true, midJob };
    },
    killRedis: async (downMs, log) => {
      log(`  kill -9 redis-server ${redis.child.pid ?? '?'}, down ${downMs} ms`);
      const exited = new Promise<void>((r) => (redis.child.exitCode !== null ? r() : redis.child.once('exit', () => r())));
      redis.child.kill('SIGKILL');
      await exited;
      await sleep(downMs);
      redis = await startRedis({ port: redis.port, dir: redis.dir });
    },
    stop: async () => {
      await Promise.all(live.splice(0).map(async (w) => {
        const pids = w.child.pid ? tree(w.child.pid) : [];
        const stopped = w.stop('SIGTERM');
        const late = await Promise.race([stopped.then(() => false), sleep(15_000).then(() => true)]);
        if (late) killAll(pids);
      }));
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      client.disconnect();
      await redis.stop();
    },
  };
}
