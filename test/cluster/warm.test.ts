/**
 * Warm caches: when the target branch moves, the daemon tells the workers, and one with a free slot fetches it before
 * a job needs it, so the job's checkout has nothing to fetch. A real redis-server, a real `orch worker` process, the
 * daemon's cluster service in this process; jobs are put on the worker's queue directly (as the daemon does).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { sandbox, until } from '../harness.js';
import { useRedis } from './fixtures.js';
import { startWorkerProc } from '../../src/cluster/testing/workers.js';
import { createClusterService } from '../../src/cluster/index.js';
import { agentQueue, PREFIX, PROTOCOL, WARM_CHANNEL } from '../../src/cluster/names.js';
import { readJob } from '../../src/cluster/job-state.js';
import { VERSION } from '../../src/version.js';
import type { Event } from '../../src/api/events.js';

/** Whether the worker's repository cache holds `sha` (false while it has no cache). */
const cached = (workerDir: string, sha: string): boolean => {
  const root = join(workerDir, 'work', 'cache');
  if (!existsSync(root)) return false;
  return readdirSync(root).filter((d) => d.endsWith('.git')).some((d) => {
    try {
      execFileSync('git', ['cat-file', '-e', `${sha}^{commit}`], { cwd: join(root, d), stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
};

const merged = { seq: 1, ts: new Date().toISOString(), type: 'task.status', taskId: 'a/E01', runId: 'r1', data: { status: 'complete' } } as unknown as Event;

describe('cluster: workers fetch the target branch when it moves', () => {
  const fx = useRedis();
  const { cleanups } = fx;

  it('a merge on the target branch reaches an idle worker\'s cache before the next job, which then fetches nothing', async () => {
    const sb = sandbox({ 'README.md': 'hello\n' });
    cleanups.push(() => sb.cleanup());
    const w = startWorkerProc({ base: sb.base, name: 'warm', redis: fx.redis.url, repos: [sb.repo], env: sb.env });
    cleanups.push(() => w.stop('SIGKILL'));
    await w.ready;
    const service = createClusterService({
      cfg: { redis_url: fx.redis.url, repo_url: '', labels: [], git_daemon: '' },
      root: sb.repo,
      projectKey: 'warm',
      stateDir: join(sb.base, 'state'),
      targetBranch: 'main',
      log: () => undefined,
    });
    cleanups.push(() => service.close());
    await until(() => service.status().workers.some((x) => x.name === 'warm'), 'the daemon sees the worker', 30_000);
    const hints: string[] = [];
    const sub = new Redis(fx.redis.url, { maxRetriesPerRequest: null });
    cleanups.push(() => sub.disconnect());
    await sub.subscribe(WARM_CHANNEL);
    sub.on('message', (_c: string, m: string) => hints.push(m));

    // A commit lands on main (a merge): the daemon's event tells the worker, once, and the worker fetches it.
    sb.write('src/merged.txt', 'merged\n');
    sb.git('add', '-A');
    sb.git('commit', '-q', '-m', 'merge a/E01');
    const sha = sb.git('rev-parse', 'HEAD').trim();
    expect(cached(w.dir, sha)).toBe(false);
    service.observe(merged);
    service.observe(merged);
    await until(() => cached(w.dir, sha), 'the worker has the new target commit', 30_000);
    expect(hints.map((h) => JSON.parse(h) as unknown)).toEqual([{ repoUrl: sb.repo, ref: 'refs/heads/main', sha }]);
    // The same tip again: nothing more is said.
    service.observe(merged);
    await new Promise((r) => setTimeout(r, 300));
    expect(hints).toHaveLength(1);

    // The next job starts from that commit: its checkout finds it in the cache.
    const q = new Queue(agentQueue(sb.repo, 'claude'), { connection: fx.conn, prefix: PREFIX });
    cleanups.push(() => q.close());
    const job = { v: PROTOCOL, orch: VERSION, kind: 'agent', project: 'p', repoUrl: sb.repo, fetchRef: 'refs/heads/main', startSha: sha, runId: 'run-w', taskId: 'b/E01', backend: 'claude', labels: [], prompt: 'Next. ```file:src/b.txt\nb\n```', timeoutMs: 60_000 };
    await q.add('agent', job, { jobId: 'warm-1', attempts: 1 });
    const done = await until(async () => {
      const { state, job: j } = await readJob(q, 'warm-1');
      return state === 'completed' || state === 'failed' ? (j as Job) : undefined;
    }, 'the job finished', 90_000);
    expect(await done.getState(), done.failedReason).toBe('completed');
    const line = w.log().split('\n').find((l) => l.includes('job warm-1: done'));
    expect(line).toMatch(/checkout \d+ ms, agent/);

    // A hint for a repository the worker does not serve is not fetched (nor is a ref outside refs/heads).
    await fx.conn.publish(WARM_CHANNEL, JSON.stringify({ repoUrl: '/elsewhere/repo', ref: 'refs/heads/main', sha: 'a'.repeat(40) }));
    await fx.conn.publish(WARM_CHANNEL, JSON.stringify({ repoUrl: sb.repo, ref: '--upload-pack=touch /tmp/x', sha: 'b'.repeat(40) }));
    await new Promise((r) => setTimeout(r, 500));
    expect(readdirSync(join(w.dir, 'work', 'cache')).filter((d) => d.endsWith('.git'))).toHaveLength(1);
    expect(w.log()).not.toMatch(/elsewhere|upload-pack/);
  }, 180_000);
});
