import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDaemon, type FakeDaemon } from './fake-daemon.js';
import { createAgentMcpServer, type AgentMcpServerOptions } from './server.js';

const TOKEN = 'tok-123';
const NODE = process.execPath;
let dir: string;
const clients: Client[] = [];
const daemons: FakeDaemon[] = [];

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'orch-mcp-')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(daemons.splice(0).map((d) => d.close()));
});

const daemon = async (opts: Partial<Parameters<typeof startFakeDaemon>[0]> = {}): Promise<FakeDaemon> => {
  const d = await startFakeDaemon({ token: TOKEN, ...opts });
  daemons.push(d);
  return d;
};

const connect = async (opts: Partial<AgentMcpServerOptions> & { daemonUrl: string }): Promise<Client> => {
  const server = createAgentMcpServer({ token: TOKEN, runId: 'run-7', cwd: dir, commands: {}, pollMs: 20, ...opts });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '0' });
  await Promise.all([server.connect(a), client.connect(b)]);
  clients.push(client);
  return client;
};

const call = async (client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> => {
  const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = res.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  return { text, isError: res.isError === true };
};

describe('agent MCP server: signals', () => {
  it('lists the signal tools and only the configured commands', async () => {
    const d = await daemon();
    const client = await connect({ daemonUrl: d.url, commands: { build: [NODE, '-e', ''], test: [NODE, '-e', ''], lint: [] } });
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['orch_ask', 'orch_done', 'orch_stuck', 'run_build', 'run_test']);
  });

  it('orch_done posts a done signal with the token', async () => {
    const d = await daemon();
    const client = await connect({ daemonUrl: d.url });
    const res = await call(client, 'orch_done', { summary: 'Added the invoice module.' });
    expect(res.isError).toBe(false);
    expect(res.text).toMatch(/recorded the task as done/);
    expect(d.requests).toEqual([{ method: 'POST', path: '/api/runs/run-7/signals', authorized: true }]);
    expect(d.signals).toMatchObject([{ kind: 'done', text: 'Added the invoice module.', runId: 'run-7' }]);
  });

  it('orch_stuck posts a stuck signal and tells the agent to stop', async () => {
    const d = await daemon();
    const client = await connect({ daemonUrl: d.url });
    const res = await call(client, 'orch_stuck', { reason: 'No access to the payments sandbox.' });
    expect(res.isError).toBe(false);
    expect(res.text).toMatch(/end your turn now/i);
    expect(d.signals).toMatchObject([{ kind: 'stuck', text: 'No access to the payments sandbox.' }]);
  });

  it('orch_ask waits for the answer and returns it', async () => {
    const d = await daemon({ answerAfterMs: 150, answer: (q) => `Use cents for ${q.text.length} reasons.` });
    const client = await connect({ daemonUrl: d.url, answerWaitMs: 5000 });
    const res = await call(client, 'orch_ask', { question: 'Cents or decimals?', audience: 'orchestrator' });
    expect(res).toEqual({ isError: false, text: 'Answer from human:\nUse cents for 18 reasons.' });
    expect(d.signals).toMatchObject([{ kind: 'question', text: 'Cents or decimals?', audience: 'orchestrator' }]);
    expect(d.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(0);
    expect(d.requests.every((r) => r.authorized && r.path.startsWith('/api/runs/run-7/signals'))).toBe(true);
  });

  it('orch_ask without an answer in time tells the agent to end its turn', async () => {
    const d = await daemon();
    const client = await connect({ daemonUrl: d.url, answerWaitMs: 200 });
    const started = Date.now();
    const res = await call(client, 'orch_ask', { question: 'Which currency?' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.isError).toBe(false);
    expect(res.text).toMatch(/queued for a human/);
    expect(res.text).toMatch(/end your turn now/);
    expect(res.text).toMatch(/resumed with the answer/);
    expect(d.signals).toMatchObject([{ kind: 'question', audience: 'human', answer: null }]);
  });

  it('a daemon that is down gives a tool error, not a crash', async () => {
    const d = await daemon();
    const url = d.url;
    await d.close();
    daemons.length = 0;
    const client = await connect({ daemonUrl: url });
    const res = await call(client, 'orch_done', { summary: 'x' });
    expect(res.isError).toBe(true);
    expect(res.text).toContain(`Orch daemon unreachable at POST ${url}/api/runs/run-7/signals`);
    const ask = await call(client, 'orch_ask', { question: 'still there?' });
    expect(ask.isError).toBe(true);
    expect(ask.text).toMatch(/Could not send the question: Orch daemon unreachable/);
  });

  it('a non-2xx answer gives a tool error with the status and message', async () => {
    const d = await daemon({ failWith: { status: 409, code: 'run_finished', message: 'run run-7 is already done' } });
    const client = await connect({ daemonUrl: d.url });
    const res = await call(client, 'orch_stuck', { reason: 'x' });
    expect(res.isError).toBe(true);
    expect(res.text).toContain('HTTP 409');
    expect(res.text).toContain('run_finished: run run-7 is already done');
  });

  it('a wrong token gives a 401 tool error', async () => {
    const d = await daemon();
    const client = await connect({ daemonUrl: d.url, token: 'wrong' });
    const res = await call(client, 'orch_done', { summary: 'x' });
    expect(res).toMatchObject({ isError: true });
    expect(res.text).toContain('HTTP 401');
  });
});

describe('agent MCP server: build, test and lint', () => {
  it('run_build runs the argv in the worktree and returns the exit code and output', async () => {
    const d = await daemon();
    const client = await connect({ daemonUrl: d.url, commands: { build: [NODE, '-e', 'console.log("built in " + process.cwd())'] } });
    const res = await call(client, 'run_build');
    expect(res.isError).toBe(false);
    expect(res.text).toMatch(/^Command succeeded \(exit code 0\)/);
    expect(res.text).toContain('exit code: 0');
    expect(res.text).toContain(`built in ${dir}`);
  });

  it('run_test reports a failing command as a tool error with its output', async () => {
    const d = await daemon();
    const script = 'console.log("1 passed"); console.error("FAIL src/a.test.ts"); process.exit(3)';
    const client = await connect({ daemonUrl: d.url, commands: { test: [NODE, '-e', script] } });
    const res = await call(client, 'run_test');
    expect(res.isError).toBe(true);
    expect(res.text).toMatch(/^Command failed with exit code 3: /);
    expect(res.text).toContain('1 passed');
    expect(res.text).toContain('FAIL src/a.test.ts');
  });

  it('run_lint passes arguments verbatim, with no shell', async () => {
    const d = await daemon();
    const client = await connect({ daemonUrl: d.url, commands: { lint: [NODE, '-e', 'console.log(process.argv[1])', '$(echo pwned); ls *'] } });
    const res = await call(client, 'run_lint');
    expect(res.text).toContain('$(echo pwned); ls *');
  });

  it('an unconfigured command is not offered; a command that cannot start names its config key', async () => {
    const d = await daemon();
    const client = await connect({ daemonUrl: d.url, commands: { test: ['orch-no-such-test-runner', 'run'] } });
    const missing = await call(client, 'run_lint');
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/run_lint/);
    const res = await call(client, 'run_test');
    expect(res.isError).toBe(true);
    expect(res.text).toContain('Command could not be started: orch-no-such-test-runner run');
    expect(res.text).toContain('Check commands.test in the Orch config (received ["orch-no-such-test-runner","run"])');
  });

  it('does not pass the daemon token to project commands', async () => {
    const d = await daemon();
    const saved = process.env.ORCH_DAEMON_TOKEN;
    process.env.ORCH_DAEMON_TOKEN = 'secret-token';
    try {
      const client = await connect({ daemonUrl: d.url, commands: { build: [NODE, '-e', 'console.log("token=" + process.env.ORCH_DAEMON_TOKEN)'] } });
      expect((await call(client, 'run_build')).text).toContain('token=undefined');
    } finally {
      if (saved === undefined) delete process.env.ORCH_DAEMON_TOKEN;
      else process.env.ORCH_DAEMON_TOKEN = saved;
    }
  });
});

describe('agent MCP server: with a worker pool', () => {
  const local = [NODE, '-e', 'console.log("ran here in " + process.cwd())'];

  it('without a cluster, commands never ask the daemon and the pool tools are not offered', async () => {
    const d = await daemon({ cluster: { command: () => ({ where: 'worker', worker: 'w1', jobId: 'j1', ok: true, text: 'from the worker' }) } });
    const client = await connect({ daemonUrl: d.url, commands: { test: local } });
    expect((await call(client, 'run_test')).text).toContain(`ran here in ${dir}`);
    expect(d.requests).toEqual([]);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('worker_status');
  });

  it("returns a worker's answer as is, sending nothing but the kind", async () => {
    const bodies: Array<{ kind: string; body: string }> = [];
    const d = await daemon({
      cluster: {
        command: (kind, body) => {
          bodies.push({ kind, body });
          return { where: 'worker', worker: 'w1', jobId: 'j1', ok: false, text: 'Command failed with exit code 3: npm test\nexit code: 3\nfrom the worker' };
        },
      },
    });
    const client = await connect({ daemonUrl: d.url, cluster: true, commands: { test: local } });
    const res = await call(client, 'run_test');
    expect(res).toEqual({ isError: true, text: 'Command failed with exit code 3: npm test\nexit code: 3\nfrom the worker' });
    expect(bodies).toEqual([{ kind: 'test', body: '{}' }]);
    expect(d.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/runs/run-7/commands/test']);
  });

  it('runs the command here when the daemon says so, or cannot be asked', async () => {
    const d = await daemon({ cluster: { command: () => ({ where: 'local', reason: 'no live worker' }) } });
    const here = await connect({ daemonUrl: d.url, cluster: true, commands: { build: local } });
    expect((await call(here, 'run_build')).text).toContain(`ran here in ${dir}`);
    const old = await daemon();
    const client = await connect({ daemonUrl: old.url, cluster: true, commands: { build: local } });
    expect((await call(client, 'run_build')).text).toContain(`ran here in ${dir}`);
    const down = await connect({ daemonUrl: 'http://127.0.0.1:1', cluster: true, commands: { build: local } });
    expect((await call(down, 'run_build')).text).toContain(`ran here in ${dir}`);
  });

  it('worker_status lists the pool and job_logs shows a job of the run', async () => {
    const d = await daemon({
      cluster: {
        command: () => ({ where: 'local', reason: '' }),
        workers: { available: true, workers: [{ name: 'w1', running: 1, jobs: 2, labels: ['gpu'], agents: ['claude'], commands: true }] },
        logs: (q) => (q.get('job') === 'other' ? undefined : { jobs: [{ id: 'j2', kind: 'test', at: 't2' }, { id: 'j1', kind: 'build', at: 't1' }], job: q.get('job') ?? 'j2', lines: [`last ${q.get('lines')}`] }),
      },
    });
    const client = await connect({ daemonUrl: d.url, cluster: true });
    expect((await call(client, 'worker_status')).text).toBe('1 worker:\n- w1: 1/2 busy; labels: gpu; agents: claude; takes build/test/lint');
    const logs = await call(client, 'job_logs', { lines: 5 });
    expect(logs.text).toBe('job j2 (test), last 1 line:\nlast 5\n\nYour other jobs: j1 (build, t1)');
    const denied = await call(client, 'job_logs', { job: 'other' });
    expect(denied.isError).toBe(true);
    expect(denied.text).toContain('HTTP 404');
  });
});
