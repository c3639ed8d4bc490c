import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { startRedis } from '../../src/cluster/testing/redis.js';
import { startWorkerProc, type WorkerProc } from '../../src/cluster/testing/workers.js';
import { agentPids } from './fixtures.js';

interface TaskJson { id: string; status: string }
interface AgentLogLine { pid: number; cwd: string; prompt: string }
const agentCalls = (sb: Sandbox): AgentLogLine[] => {
  try {
    return readFileSync(sb.agentLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AgentLogLine);
  } catch {
    return [];
  }
};

const fourEpics = (marker = ''): Record<string, string> => ({
  'docs/plans/a-module/epic-01-one.md': epic('One', `First. ${marker}`, { 'src/a1.txt': 'a1' }),
  'docs/plans/b-module/epic-01-two.md': epic('Two', `Second. ${marker}`, { 'src/b1.txt': 'b1' }),
  'docs/plans/c-module/epic-01-three.md': epic('Three', `Third. ${marker}`, { 'src/c1.txt': 'c1' }),
  'docs/plans/d-module/epic-01-four.md': epic('Four', `Fourth. ${marker}`, { 'src/d1.txt': 'd1' }),
});

describe('scale-out: agent runs on orch worker processes through BullMQ on a real Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const cleanups: Array<() => unknown> = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  const stopWorkers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    // Workers of one test must not take (or hold) the next test's jobs.
    await Promise.all(stopWorkers.splice(0).map((s) => s()));
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await redis.stop();
  });

  const project = (files: Record<string, string>): Sandbox => {
    const sb = sandbox(files, { env: { ORCH_REDIS_URL: redis.url } });
    cleanups.push(() => sb.cleanup());
    return sb;
  };
  const worker = async (sb: Sandbox, name: string, extra: { jobs?: number; lockMs?: number; repos?: string[] } = {}): Promise<WorkerProc> => {
    const w = startWorkerProc({ base: sb.base, name, redis: redis.url, repos: extra.repos ?? [sb.repo], env: sb.env, ...extra });
    stopWorkers.push(() => w.stop('SIGKILL'));
    await w.ready;
    await until(() => sb.orchJson<{ workers: Array<{ name: string }> }>('workers').workers.some((x) => x.name === name), `worker ${name} registered`, 30_000);
    return w;
  };

  it('spreads runs over two workers, streams their output into the run log, and merges their work', async () => {
    const sb = project(fourEpics('[[fake:slow=800]]'));
    const [w1, w2] = [await worker(sb, 'w1'), await worker(sb, 'w2')];
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.orchJson<TaskJson[]>('list').every((t) => t.status === 'complete')).toBe(true);
    // Every agent ran in a worker's job worktree, never in the daemon's own worktrees; both workers took jobs.
    const calls = agentCalls(sb);
    expect(calls).toHaveLength(4);
    expect(calls.every((c) => c.cwd.startsWith(w1.dir) || c.cwd.startsWith(w2.dir))).toBe(true);
    expect(calls.some((c) => c.cwd.startsWith(w1.dir))).toBe(true);
    expect(calls.some((c) => c.cwd.startsWith(w2.dir))).toBe(true);
    // The work came back over git and was merged on the target branch.
    for (const f of ['a1', 'b1', 'c1', 'd1']) expect(sb.git('show', `main:src/${f}.txt`).trim()).toBe(f);
    const log = sb.orch('logs', 'a/E01').stdout;
    expect(log).toMatch(/running on worker w[12]/);
  }, 180_000);

  it('runs agents on a worker inside the sandbox: a secret in the worker\'s home stays unread (issue 9, 13)', async () => {
    const sb = project({});
    // The worker runs with this HOME (the sandbox's env): a file there is what a hostile agent would go for.
    const secret = join(String(sb.env.HOME), 'secret.txt');
    mkdirSync(dirname(secret), { recursive: true });
    writeFileSync(secret, 'worker-home-secret\n');
    sb.write('docs/plans/a-module/epic-01-one.md', epic('One', `Peek. [[fake:peek=${secret}]]`, { 'src/a1.txt': 'a1' }));
    sb.commitAll('plan');
    const w = await worker(sb, 'boxed');
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(agentCalls(sb).every((c) => c.cwd.startsWith(w.dir))).toBe(true);
    // The agent ran on the worker (its file came back over git) but could not see the file.
    expect(sb.git('show', 'main:src/a1.txt').trim()).toBe('a1');
    expect(sb.git('show', 'main:peek.txt').trim()).toBe('denied: ENOENT');
  }, 120_000);

  it('never runs more than --jobs at once on a worker shared by two orchestrators', async () => {
    const one = project(fourEpics('[[fake:slow=600]]'));
    const two = project(fourEpics('[[fake:slow=600]]'));
    const shared = await worker(one, 'shared', { jobs: 1, repos: [one.repo, two.repo] });
    await until(() => two.orchJson<{ workers: unknown[] }>('workers').workers.length === 1, 'the second daemon sees the worker', 30_000);
    const [a, b] = await Promise.all([one.orchAsync('start', '--wait'), two.orchAsync('start', '--wait')]);
    expect(a.status, a.stdout + a.stderr).toBe(0);
    expect(b.status, b.stdout + b.stderr).toBe(0);
    // The worker's own log: a job starts only after the previous one has ended.
    let running = 0;
    let most = 0;
    let jobs = 0;
    for (const line of shared.log().split('\n')) {
      if (/job \S+: \S+ with claude/.test(line)) {
        running++;
        jobs++;
      } else if (/job \S+: (done|failed)/.test(line)) running--;
      most = Math.max(most, running);
    }
    expect(jobs).toBe(8);
    expect(most).toBe(1);
  }, 240_000);

  it('retries the job of a worker killed mid-job on another worker; the task merges once', async () => {
    const sb = project({ 'docs/plans/a-module/epic-01-one.md': epic('One', 'Slow. [[fake:slow=6000]]', { 'src/a1.txt': 'a1' }) });
    const victim = await worker(sb, 'victim', { lockMs: 3000 });
    const started = sb.orchAsync('start', '--wait');
    await until(() => /job \S+: \S+ with claude/.test(victim.log()), 'the job started on the victim', 60_000);
    await victim.stop('SIGKILL');
    const rescuer = await worker(sb, 'rescuer', { lockMs: 3000 });
    const r = await started;
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(rescuer.log()).toMatch(/job \S+: done/);
    expect(sb.git('show', 'main:src/a1.txt').trim()).toBe('a1');
    // Merged once: one squash commit for the task.
    expect(sb.git('log', '--oneline', 'main').split('\n').filter((l) => l.includes('implement E01')).length).toBe(1);
  }, 180_000);

  it('runs the jobs here when the last worker is killed: the one it held and the ones waiting for it', async () => {
    const sb = project({
      'docs/plans/a-module/epic-01-one.md': epic('One', 'Slow. [[fake:slow=4000]]', { 'src/a1.txt': 'a1' }),
      'docs/plans/b-module/epic-01-two.md': epic('Two', 'Slow. [[fake:slow=4000]]', { 'src/b1.txt': 'b1' }),
      'docs/plans/c-module/epic-01-three.md': epic('Three', 'Slow. [[fake:slow=4000]]', { 'src/c1.txt': 'c1' }),
    });
    const last = await worker(sb, 'last', { jobs: 1, lockMs: 3000 });
    const run = sb.orchAsync('start', '--wait');
    // One job on the worker, two queued behind it (one at a time there).
    await until(() => /job \S+: \S+ with claude/.test(last.log()), 'a job started on the worker', 60_000);
    await last.stop('SIGKILL');
    const r = await run;
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.orchJson<TaskJson[]>('list').every((t) => t.status === 'complete')).toBe(true);
    // Every task finished here after the worker was gone, and each merged once.
    const here = agentCalls(sb).filter((c) => !c.cwd.startsWith(last.dir));
    expect(new Set(here.map((c) => /src\/([abc])1\.txt/.exec(c.prompt)?.[1])).size, JSON.stringify(here.map((c) => c.cwd))).toBe(3);
    for (const t of ['a/E01', 'b/E01', 'c/E01']) expect(sb.orch('logs', t).stdout).toContain('no worker can take the job any more; running it here');
    for (const f of ['a1', 'b1', 'c1']) expect(sb.git('show', `main:src/${f}.txt`).trim()).toBe(f);
    expect(sb.git('log', '--format=%s', 'main').split('\n').filter((l) => l.includes('implement E01'))).toHaveLength(3);
  }, 180_000);

  it('cancels a job on its worker: orch stop ends the agent there', async () => {
    const sb = project({ 'docs/plans/a-module/epic-01-one.md': epic('One', 'Forever. [[fake:hang]]', { 'src/a1.txt': 'a1' }) });
    const w = await worker(sb, 'cw');
    sb.orch('start');
    const call = await until(() => agentCalls(sb)[0], 'the agent started on the worker', 60_000);
    expect(call.cwd.startsWith(w.dir)).toBe(true);
    await until(() => agentPids(sb).length > 0, 'the agent process seen on the host', 30_000);
    const stop = sb.orch('stop', 'a/E01');
    expect(stop.status, stop.stdout + stop.stderr).toBe(0);
    await until(() => w.log().includes('cancelled by its daemon'), 'the cancel reached the worker', 30_000);
    await until(() => agentPids(sb).length === 0, 'the agent process gone', 30_000);
  }, 120_000);

  it('goes on through a Redis restart mid-batch: nothing lost, nothing merged twice', async () => {
    const sb = project(fourEpics('[[fake:slow=2500]]'));
    await worker(sb, 'r1', { jobs: 2 });
    const run = sb.orchAsync('start', '--wait');
    await until(() => agentCalls(sb).length >= 1, 'a job running on the worker', 60_000);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1000));
    redis = await startRedis({ port: redis.port, dir: redis.dir });
    const r = await run;
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.orchJson<TaskJson[]>('list').every((t) => t.status === 'complete')).toBe(true);
    const subjects = sb.git('log', '--format=%s', 'main').split('\n').filter((l) => l.includes('implement E01'));
    expect(subjects).toHaveLength(4);
  }, 240_000);

  it('runs locally when no worker can take the job, and says so when Redis is unreachable', async () => {
    const sb = sandbox({ 'docs/plans/a-module/epic-01-one.md': epic('One', 'Local.', { 'src/a1.txt': 'a1' }) }, { env: { ORCH_REDIS_URL: 'redis://127.0.0.1:1' } });
    cleanups.push(() => sb.cleanup());
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(agentCalls(sb)[0]?.cwd).not.toContain('worker-');
    const status = sb.orchJson<{ cluster?: { available: boolean; error?: string } }>('status');
    expect(status.cluster?.available).toBe(false);
    expect(status.cluster?.error).toMatch(/unreachable|reconnecting|connect/);
    // The text says it too, with what happens meanwhile.
    expect(sb.orch('status').stdout).toMatch(/cluster unavailable: Redis at redis:\/\/127\.0\.0\.1:1\/? is unreachable.*agents run on this machine meanwhile/);
  }, 120_000);
});
