// A cluster the way a new user meets it (issue 13): Redis not up yet when the worker starts, Redis gone and back, a git
// too old for a worker, a repo_url the worker cannot fetch. Each says what is going on and what to do; no work is lost.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { startRedis } from '../../src/cluster/testing/redis.js';
import { startWorkerProc, type WorkerProc } from '../../src/cluster/testing/workers.js';

const orchBin = join(import.meta.dirname, '..', '..', 'bin', 'orch.js');

describe('the cluster on first use', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  const project = (files: Record<string, string>, redisUrl: string): Sandbox => {
    const sb = sandbox(files, { env: { ORCH_REDIS_URL: redisUrl } });
    cleanups.push(() => sb.cleanup());
    return sb;
  };
  const worker = (sb: Sandbox, name: string, redisUrl: string, repos = [sb.repo]): WorkerProc => {
    const w = startWorkerProc({ base: sb.base, name, redis: redisUrl, repos, env: sb.env });
    cleanups.push(() => w.stop('SIGKILL'));
    return w;
  };

  it('a worker started before Redis waits for it, saying so; Redis gone and back is said once each; the run merges', async () => {
    // A port with no Redis on it yet.
    const probe = await startRedis();
    await probe.stop();
    const sb = project({ 'docs/plans/a-module/epic-01-one.md': epic('One', 'First. [[fake:slow=300]]', { 'src/a1.txt': 'a1' }) }, `redis://127.0.0.1:${probe.port}`);
    const w = worker(sb, 'early', `redis://127.0.0.1:${probe.port}`);
    await until(() => /Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unreachable \(connect ECONNREFUSED[^)]*\); waiting for it \(start Redis, or check --redis/.test(w.log()), 'the worker says it waits for Redis', 30_000);
    let redis = await startRedis({ port: probe.port, dir: probe.dir });
    cleanups.push(() => redis.stop());
    await w.ready;

    // Redis killed and started again while the worker is idle: one line for each, not one per queue and retry.
    redis.child.kill('SIGKILL');
    await until(() => /is unreachable \(.*\): reconnecting; running jobs go on/.test(w.log()), 'the worker says Redis went away', 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    redis = await startRedis({ port: probe.port, dir: probe.dir });
    await until(() => /is back: taking jobs again/.test(w.log()), 'the worker says Redis is back', 30_000);
    expect(w.log().match(/reconnecting; running jobs go on/g)).toHaveLength(1);
    expect(w.log()).not.toMatch(/queue v\d+\.[^:]*: .*ECONNREFUSED/);

    await until(() => sb.orchJson<{ workers: Array<{ name: string }> }>('workers').workers.some((x) => x.name === 'early'), 'the worker registered', 30_000);
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.orch('logs', 'a-module/E01').stdout).toContain('running on worker early');
    expect(sb.orch('status').stdout).toMatch(/cluster: redis:\/\/127\.0\.0\.1:\d+\/? 1 worker, \d\/1 slots busy/);
  }, 150_000);

  it('a worker that cannot fetch the code fails no run: the turn runs here and the run log says what to fix', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const nowhere = 'file:///nonexistent/orch-first-use/app.git';
    const sb = project({ 'docs/plans/a-module/epic-01-one.md': epic('One', 'First.', { 'src/a1.txt': 'a1' }) }, redis.url);
    // The coordinator's user config (a project's config may not name where its code goes).
    appendFileSync(join(sb.base, 'config', 'orch', 'config.toml'), `\n[cluster]\nrepo_url = "${nowhere}"\n`);
    const w = worker(sb, 'lost', redis.url, [nowhere]);
    await w.ready;
    await until(() => sb.orchJson<{ workers: Array<{ name: string }> }>('workers').workers.some((x) => x.name === 'lost'), 'the worker registered', 30_000);
    const r = await sb.orchAsync('start', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const log = sb.orch('logs', 'a-module/E01').stdout;
    expect(log).toMatch(/worker lost cannot check out the run's code: file:\/\/\/nonexistent\/orch-first-use\/app\.git cannot be fetched from this machine \(.*\): check the URL .*; running the turn here/);
    expect(readFileSync(join(sb.repo, 'src', 'a1.txt'), 'utf8')).toContain('a1');
    // A worker serving only another repository is marked in the listing, with the flag that fixes it.
    const other = worker(sb, 'elsewhere', redis.url, [join(sb.base, 'some-other-repo')]);
    await other.ready;
    await until(() => sb.orch('workers').stdout.includes('elsewhere'), 'the second worker registered', 30_000);
    expect(sb.orch('workers').stdout).toMatch(/elsewhere .*\n {2}takes none of these jobs: it serves .*some-other-repo, and this project's code is fetched from file:\/\/\/nonexistent\/orch-first-use\/app\.git; start it with --repo file:\/\/\/nonexistent/);
  }, 150_000);

  it('orch worker refuses a git too old for it, naming the version it needs', () => {
    const sb = project({}, 'redis://127.0.0.1:1');
    const bin = join(sb.base, 'old-git');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'git'), '#!/bin/sh\necho "git version 2.20.1"\n');
    chmodSync(join(bin, 'git'), 0o755);
    const r = spawnSync(process.execPath, [orchBin, 'worker', '--redis', 'redis://127.0.0.1:1', '--repo', sb.repo], { cwd: sb.base, env: { ...sb.env, PATH: `${bin}:${sb.env.PATH ?? ''}` }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('git version 2.20.1 on this machine is too old for a worker: it needs git 2.29 or newer');
  }, 60_000);
});
