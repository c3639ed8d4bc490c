/**
 * A worker and a daemon of different Orch versions, and a job's own timeout on its worker. Jobs are put on a real
 * `orch worker`'s queue directly (as a daemon of another version would), through BullMQ on a real redis-server.
 */
import { readFileSync } from 'node:fs';
import { Queue, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { agentPids, useRedis } from './fixtures.js';
import { startWorkerProc, type WorkerProc } from '../../src/cluster/testing/workers.js';
import { agentQueue, PREFIX, PROTOCOL, WORKERS_KEY } from '../../src/cluster/names.js';
import { VERSION } from '../../src/version.js';
import { readJob } from '../../src/cluster/job-state.js';


const agentCwds = (sb: Sandbox): string[] => {
  try {
    return readFileSync(sb.agentLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { cwd: string }).cwd);
  } catch {
    return [];
  }
};

describe('cluster protocol: versions and per-job timeouts', () => {
  const fx = useRedis();
  const { cleanups } = fx;

  const waitFinished = (q: Queue, id: string): Promise<Job> =>
    until(async () => {
      const { state, job } = await readJob(q, id);
      return state === 'failed' || state === 'completed' ? job : undefined;
    }, `job ${id} finished`, 90_000);

  it('a worker refuses a job of another protocol, saying which versions differ; a job over its timeout ends the agent there', async () => {
    const sb = sandbox({ 'README.md': 'hello\n' });
    cleanups.push(() => sb.cleanup());
    const w: WorkerProc = startWorkerProc({ base: sb.base, name: 'v-now', redis: fx.redis.url, repos: [sb.repo], env: sb.env });
    cleanups.push(() => w.stop('SIGKILL'));
    await w.ready;
    const q = new Queue(agentQueue(sb.repo, 'claude'), { connection: fx.conn, prefix: PREFIX });
    cleanups.push(() => q.close());
    const startSha = sb.git('rev-parse', 'HEAD').trim();
    const job = { kind: 'agent', project: 'p', repoUrl: sb.repo, fetchRef: 'refs/heads/main', startSha, runId: 'run-1', taskId: 'a/E01', backend: 'claude', labels: [] };

    await q.add('agent', { ...job, v: 1, prompt: 'Old. ```file:src/x.txt\nx\n```', timeoutMs: 60_000 }, { jobId: 'old-1', attempts: 1 });
    const old = await waitFinished(q, 'old-1');
    expect(await old.getState()).toBe('failed');
    expect(old.failedReason).toBe(`job old-1 refused: it was queued by an older Orch (job protocol 1) and worker v-now runs Orch ${VERSION} (job protocol ${PROTOCOL}); run the same Orch version on the daemon and its workers`);
    expect(w.log()).toContain('job old-1 refused');
    expect(agentCwds(sb)).toEqual([]);

    await q.add('agent', { ...job, v: PROTOCOL, orch: VERSION, prompt: 'Forever. [[fake:hang]]', timeoutMs: 3000 }, { jobId: 'slow-1', attempts: 1 });
    await until(() => agentPids(sb).length > 0, 'the agent running on the worker', 60_000);
    const slow = await waitFinished(q, 'slow-1');
    expect(await slow.getState()).toBe('completed');
    expect((slow.returnvalue as { outcome: { canceled: boolean } }).outcome.canceled).toBe(true);
    await until(() => agentPids(sb).length === 0, 'the agent process gone', 30_000);
    expect(agentCwds(sb)).toHaveLength(1);
    await w.stop('SIGKILL');
  }, 180_000);

  it('the daemon lists a worker of another version as incompatible and runs the turn here', async () => {
    const sb = sandbox({ 'docs/plans/a-module/epic-01-one.md': epic('One', 'Here.', { 'src/a1.txt': 'a1' }) }, { env: { ORCH_REDIS_URL: fx.redis.url } });
    cleanups.push(() => sb.cleanup());
    // A worker of an Orch from before versioned protocols: it registers without one, for every repository.
    const beat = (): Promise<number> =>
      fx.conn.hset(WORKERS_KEY, 'old', JSON.stringify({ name: 'old', host: 'h', pid: 1, jobs: 4, running: [], labels: [], agents: [{ id: 'claude' }], repos: [], startedAt: new Date().toISOString(), heartbeat: Date.now() }));
    await beat();
    const timer = setInterval(() => void beat(), 1000);
    cleanups.push(() => clearInterval(timer));
    await until(() => sb.orchJson<{ workers: Array<{ name: string }> }>('workers').workers.some((x) => x.name === 'old'), 'the daemon sees the old worker', 30_000);
    const shown = sb.orch('workers');
    expect(shown.stdout).toContain(`incompatible: it runs an older Orch (job protocol 1), the daemon Orch ${VERSION} (protocol ${PROTOCOL})`);
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('show', 'main:src/a1.txt').trim()).toBe('a1');
    expect(agentCwds(sb).every((c) => !c.includes('worker-'))).toBe(true);
    expect(sb.orch('logs', 'a/E01').stdout).not.toContain('[orch cluster]');
  }, 120_000);
});
