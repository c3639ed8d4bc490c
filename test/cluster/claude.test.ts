/**
 * The real Claude Code binary on an `orch worker` process, driven by the simulated model, its work merged by the
 * daemon. The worker has its own provider environment (the simulator's URL, its own key); the daemon's environment
 * holds a key of its own that must never reach Redis, and a provider URL nothing answers at, so a turn that ran on
 * the coordinator could not succeed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epic, repoRootDir, sandbox, until, type Sandbox } from '../harness.js';
import { startModel } from '../e2e/model.js';
import { startRedis } from '../../src/cluster/testing/redis.js';
import { startWorkerProc, type WorkerProc } from '../../src/cluster/testing/workers.js';

const DAEMON_KEY = 'sk-ant-daemon-only-7f3c1e9a2b';
const WORKER_KEY = 'sk-ant-worker-own-5d8e2c4b1a';

/** Every string Redis holds under Orch's prefix: job hashes, streams, lists, plain keys. */
async function everything(url: string): Promise<Array<{ key: string; text: string }>> {
  const r = new Redis(url);
  try {
    const out: Array<{ key: string; text: string }> = [];
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', 'orch:*', 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await r.type(key);
        const text =
          type === 'hash' ? JSON.stringify(await r.hgetall(key))
          : type === 'stream' ? JSON.stringify(await r.xrange(key, '-', '+'))
          : type === 'list' ? JSON.stringify(await r.lrange(key, 0, -1))
          : type === 'zset' ? JSON.stringify(await r.zrange(key, 0, -1))
          : type === 'set' ? JSON.stringify(await r.smembers(key))
          : type === 'string' ? ((await r.get(key)) ?? '')
          : '';
        out.push({ key, text });
      }
    } while (cursor !== '0');
    return out;
  } finally {
    r.disconnect();
  }
}

describe('the real Claude Code on an orch worker, driven by the simulated model', () => {
  let model: { url: string; close: () => void };
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sb: Sandbox | undefined;
  let worker: WorkerProc | undefined;
  beforeAll(async () => {
    [model, redis] = await Promise.all([startModel(), startRedis()]);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    sb?.cleanup();
    model.close();
    await redis.stop();
  });

  it('runs the turn on the worker with its own credentials, merges its work here, and puts no secret in the job', async () => {
    sb = sandbox(
      { 'docs/plans/core-module/epic-01-greet.md': epic('Greeting', 'A greeting function.', { 'src/greet.js': 'export const greet = (n) => `hello ${n}`;' }) },
      // The coordinator's own provider settings: a key that must stay here, and a URL nothing answers at.
      { realClaude: true, env: { ORCH_REDIS_URL: redis.url, ANTHROPIC_API_KEY: DAEMON_KEY, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', CLAUDE_CODE_MAX_RETRIES: '0' } },
    );
    sb.env.CLAUDE_CONFIG_DIR = join(sb.base, 'claude-daemon');
    const own = sb;
    worker = startWorkerProc({
      base: own.base,
      name: 'cw',
      redis: redis.url,
      repos: [own.repo],
      env: { ...own.env, ANTHROPIC_API_KEY: WORKER_KEY, ANTHROPIC_BASE_URL: model.url, CLAUDE_CODE_MAX_RETRIES: '1', CLAUDE_CONFIG_DIR: join(own.base, 'claude-worker') },
    });
    await worker.ready;
    await until(() => own.orchJson<{ workers: Array<{ name: string; agents: Array<{ id: string; version?: string }> }> }>('workers').workers.find((w) => w.name === 'cw'), 'the worker registered', 30_000);
    const listed = own.orchJson<{ workers: Array<{ name: string; agents: Array<{ id: string; version?: string }> }> }>('workers').workers[0];
    // The real binary's version (the fake one says something else).
    expect(listed?.agents[0]?.version).toBe(execFileSync(join(repoRootDir, 'node_modules/.bin/claude'), ['--version'], { encoding: 'utf8' }).split(' ')[0]);

    const r = await own.orchAsync('start', '--wait');
    expect(r.status, `${r.stdout}${r.stderr}\n${worker.log()}`).toBe(0);

    // Claude Code wrote the file on the worker; the daemon fetched the bundle and merged it.
    expect(own.git('show', 'main:src/greet.js')).toContain('hello ${n}');
    expect(own.git('log', '--format=%s', 'main')).toContain('feat(core): implement E01 - Greeting');
    const log = own.orch('logs', 'core/E01').stdout;
    expect(log).toContain('running on worker cw');
    expect(log).toMatch(/worker cw finished at [0-9a-f]{10}/);
    expect(worker.log()).toMatch(/job \S+: done, \d+ bytes of work/);
    const shown = own.orchJson<{ runs: Array<{ sessionId: string | null; state: string; usage: { inputTokens: number; outputTokens: number } }> }>('show', 'core/E01');
    expect(shown.runs[0]?.state).toBe('done');
    expect(shown.runs[0]?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(shown.runs[0]?.usage.outputTokens).toBeGreaterThan(0);

    // What went through Redis: the job (kept a day after completion) with its prompt, and never a provider key.
    const held = await everything(redis.url);
    const jobs = held.filter((h) => /^orch:v\d+\.agent\.[0-9a-f]+\.claude:/.test(h.key) && h.text.includes('"data"'));
    expect(jobs.length, held.map((h) => h.key).join('\n')).toBe(1);
    const data = JSON.parse((JSON.parse(jobs[0]?.text ?? '{}') as { data?: string }).data ?? '{}') as Record<string, unknown>;
    // The worker's own timer: agent.timeout_minutes (60 by default) and a minute, for a daemon that is gone.
    expect(data).toMatchObject({ kind: 'agent', backend: 'claude', repoUrl: own.repo, timeoutMs: 61 * 60_000 });
    expect(String(data.prompt)).toContain('A greeting function.');
    for (const h of held) {
      expect(h.text, h.key).not.toContain(DAEMON_KEY);
      expect(h.text, h.key).not.toContain(WORKER_KEY);
      expect(h.text, h.key).not.toContain('ANTHROPIC_');
    }
  }, 240_000);
});
