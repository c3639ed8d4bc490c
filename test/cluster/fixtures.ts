/** What the cluster test files share: a real redis-server for the file, and the fake agent's live host processes. */
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { Sandbox } from '../harness.js';
import { startRedis } from '../../src/cluster/testing/redis.js';

export interface RedisFixture {
  redis: Awaited<ReturnType<typeof startRedis>>;
  /** A connection of the test's own, for putting jobs and keys in place. */
  conn: Redis;
  /** Run in reverse order after the file, before Redis stops. */
  cleanups: Array<() => unknown>;
}

/** Starts one redis-server for the test file (beforeAll) and stops it after the file's cleanups (afterAll). */
export function useRedis(): RedisFixture {
  const fx = { cleanups: [] as Array<() => unknown> } as RedisFixture;
  beforeAll(async () => {
    fx.redis = await startRedis();
    fx.conn = new Redis(fx.redis.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    for (const c of fx.cleanups.reverse()) await c();
    fx.conn?.disconnect();
    await fx.redis?.stop();
  });
  return fx;
}

/**
 * Host pids of this sandbox's fake agent that are alive (not zombies). The agent runs in the worker's sandbox, in its
 * own pid namespace, so the pid it reports is not a host pid: its host processes are those whose environment names
 * this sandbox's fake-agent log and a run (the worker itself has no run id).
 */
export function agentPids(sb: Sandbox): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!env.includes(`FAKE_CLAUDE_LOG=${sb.agentLog}`) || !env.some((e) => e.startsWith('ORCH_RUN_ID='))) return false;
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
    } catch {
      return false;
    }
  });
}
