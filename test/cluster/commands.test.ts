/**
 * Build/test/lint jobs on `orch worker` processes: a local agent's MCP server (the real one, dist/src/mcp/main.js,
 * started with the very environment the daemon gave the agent) calls run_test; the daemon snapshots the worktree and
 * queues the job on a real Redis; a real worker runs the repository's own command and streams its output back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { epic, sandbox, until, type Sandbox } from '../harness.js';
import { startRedis } from '../../src/cluster/testing/redis.js';
import { startWorkerProc, type WorkerProc } from '../../src/cluster/testing/workers.js';

interface AgentCall { pid: number; cwd: string; prompt: string; args: string[] }
const agentCalls = (sb: Sandbox): AgentCall[] => {
  try {
    return readFileSync(sb.agentLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AgentCall);
  } catch {
    return [];
  }
};

// The repository's test: prints where it runs and a value the agent edits, and exits with that value.
const CHECK = `import { existsSync, readFileSync } from 'node:fs';
const v = readFileSync('src/value.txt', 'utf8').trim();
console.log('CHECK cwd=' + process.cwd() + ' value=' + v);
console.error('CHECK on stderr');
if (existsSync('slow.flag')) await new Promise((r) => setTimeout(r, Number(readFileSync('slow.flag', 'utf8'))));
console.log('CHECK end');
process.exit(Number(v));
`;
const files = (epics: Record<string, string>): Record<string, string> => ({
  '.orch/config.toml': 'max_parallel_agents = 3\n\n[commands]\ntest = ["node", "check.mjs"]\n',
  'check.mjs': CHECK,
  'src/value.txt': '0\n',
  ...epics,
});

/** The agent's side: Orch's MCP server as the daemon configured it for this agent (env, token), in its worktree. */
interface Agent { cwd: string; env: Record<string, string>; client: Client; call: (tool: string, args?: Record<string, unknown>) => Promise<{ text: string; isError: boolean }> }
const agentOf = async (call: AgentCall): Promise<Agent> => {
  const file = call.args.find((a) => a.startsWith('--mcp-config='))?.slice('--mcp-config='.length) ?? '';
  const server = (JSON.parse(readFileSync(file, 'utf8')) as { mcpServers: { orch: { command: string; args: string[]; env: Record<string, string> } } }).mcpServers.orch;
  const client = new Client({ name: 'agent', version: '0' });
  await client.connect(new StdioClientTransport({ command: server.command, args: server.args, env: { PATH: process.env.PATH ?? '', ...server.env }, cwd: call.cwd, stderr: 'inherit' }));
  return {
    cwd: call.cwd,
    env: server.env,
    client,
    call: async (tool, args = {}) => {
      const res = (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
      return { text: res.content.map((c) => (c.type === 'text' ? c.text : '')).join(''), isError: res.isError === true };
    },
  };
};

describe('scale-out: build, test and lint jobs on orch worker processes', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const cleanups: Array<() => unknown> = [];
  const perTest: Array<() => unknown> = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const c of perTest.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await redis.stop();
  });
  const project = (epics: Record<string, string>): Sandbox => {
    const sb = sandbox(files(epics), { env: { ORCH_REDIS_URL: redis.url } });
    cleanups.push(() => sb.cleanup());
    return sb;
  };
  const worker = async (sb: Sandbox, name: string, lockMs?: number): Promise<WorkerProc> => {
    const w = startWorkerProc({ base: sb.base, name, redis: redis.url, repos: [sb.repo], env: sb.env, ...(lockMs ? { lockMs } : {}) });
    perTest.push(() => w.stop('SIGKILL'));
    await w.ready;
    await until(() => sb.orchJson<{ workers: Array<{ name: string }> }>('workers').workers.some((x) => x.name === name), `worker ${name} registered`, 30_000);
    return w;
  };
  /** Started runs whose (hanging) agents run here, before any worker exists; their MCP servers as the agents have them. */
  const agents = async (sb: Sandbox, n: number): Promise<Agent[]> => {
    expect(sb.orch('start').status).toBe(0);
    const calls = await until(() => (agentCalls(sb).length >= n ? agentCalls(sb) : undefined), `${n} agent(s) started`, 60_000);
    const out = await Promise.all(calls.sort((a, b) => a.prompt.localeCompare(b.prompt)).map(agentOf));
    for (const a of out) perTest.push(() => a.client.close());
    return out;
  };

  it("runs an agent's run_test on a worker with the worktree's changes and the start commit's command; job logs are the run's own", async () => {
    const sb = project({
      'docs/plans/a-module/epic-01-one.md': epic('One', 'Forever. [[fake:hang]]', { 'src/a1.txt': 'a1' }),
      'docs/plans/b-module/epic-01-two.md': epic('Two', 'Forever too. [[fake:hang]]', { 'src/b1.txt': 'b1' }),
    });
    const [a, b] = await agents(sb, 2);
    if (!a || !b) throw new Error('two agents expected');
    // The agent's uncommitted work, and an edit of the project config that would swap the command.
    writeFileSync(join(a.cwd, 'src/value.txt'), '3\n');
    writeFileSync(join(a.cwd, '.orch/config.toml'), 'max_parallel_agents = 3\n\n[commands]\ntest = ["node", "-e", "console.log(\'PWNED\')"]\n');
    const git = (...args: string[]): string => sb.git('-C', a.cwd, ...args);
    const indexFile = git('rev-parse', '--path-format=absolute', '--git-path', 'index').trim();

    // No worker yet: the command runs next to the agent, as without a cluster.
    const here = await a.call('run_test');
    expect(here.isError).toBe(true);
    expect(here.text).toContain(`CHECK cwd=${a.cwd} value=3`);
    expect(here.text).not.toContain('ran on worker');

    const w1 = await worker(sb, 'w1');
    const before = { head: git('rev-parse', 'HEAD'), status: git('status', '--porcelain=v1', '-z'), index: readFileSync(indexFile) };
    const there = await a.call('run_test');
    expect(there.isError).toBe(true);
    expect(there.text).toMatch(/^Command failed with exit code 3: node check\.mjs\nexit code: 3\n/);
    expect(there.text).toContain(`CHECK cwd=${w1.dir}`);
    expect(there.text).toContain('value=3');
    expect(there.text).not.toContain('PWNED');
    expect(there.text).toContain('ran on worker w1');
    // The worktree the agent works in did not move: HEAD, status and index byte for byte.
    expect(git('rev-parse', 'HEAD')).toBe(before.head);
    expect(git('status', '--porcelain=v1', '-z')).toBe(before.status);
    expect(readFileSync(indexFile).equals(before.index)).toBe(true);
    // The worker's output was streamed into the run's log, and job_logs has it.
    const log = sb.orch('logs', 'a/E01').stdout;
    expect(log).toContain('[run_test on w1] CHECK cwd=');
    expect(log).toContain('run_test running on worker w1');
    const logs = await a.call('job_logs', { lines: 50 });
    expect(logs.isError).toBe(false);
    expect(logs.text).toContain('CHECK end');
    expect(logs.text).toContain('[stderr] CHECK on stderr');
    const status = await a.call('worker_status');
    expect(status.text).toMatch(/- w1: [01]\/1 busy; labels: none; agents: claude; takes build\/test\/lint/);
    expect(status.text).not.toContain('redis://');

    // A run's token reads its own jobs only.
    const other = await b.call('run_test');
    expect(other.text).toContain('exit code: 0');
    const otherJob = /as job (\S+);/.exec(other.text)?.[1] ?? '';
    expect(otherJob).not.toBe('');
    const get = (path: string): Promise<Response> => fetch(`${a.env.ORCH_DAEMON_URL}${path}`, { headers: { authorization: `Bearer ${a.env.ORCH_DAEMON_TOKEN}` } });
    const cross = await get(`/api/runs/${encodeURIComponent(b.env.ORCH_RUN_ID ?? '')}/jobs/logs`);
    expect(cross.status).toBe(403);
    const smuggled = await get(`/api/runs/${encodeURIComponent(a.env.ORCH_RUN_ID ?? '')}/jobs/logs?job=${encodeURIComponent(otherJob)}`);
    expect(smuggled.status).toBe(404);
    expect(await smuggled.text()).not.toContain('CHECK');
    const viaTool = await a.call('job_logs', { job: otherJob });
    expect(viaTool.isError).toBe(true);
    // Nothing but the kind goes in: no command in the URL or the body.
    const post = (path: string, body: unknown): Promise<Response> => fetch(`${a.env.ORCH_DAEMON_URL}${path}`, { method: 'POST', headers: { authorization: `Bearer ${a.env.ORCH_DAEMON_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(`/api/runs/${encodeURIComponent(a.env.ORCH_RUN_ID ?? '')}/commands/test`, { argv: ['sh', '-c', 'echo PWNED'] })).status).toBe(400);
    expect((await post(`/api/runs/${encodeURIComponent(a.env.ORCH_RUN_ID ?? '')}/commands/deploy`, {})).status).toBe(400);
  }, 150_000);

  it('retries a command job whose worker is killed mid-command on another worker', async () => {
    const sb = project({ 'docs/plans/a-module/epic-01-one.md': epic('One', 'Forever. [[fake:hang]]', { 'src/a1.txt': 'a1' }) });
    const [a] = await agents(sb, 1);
    if (!a) throw new Error('an agent expected');
    writeFileSync(join(a.cwd, 'slow.flag'), '8000');
    const victim = await worker(sb, 'victim', 2000);
    let answered = false;
    const answer = a.call('run_test').finally(() => (answered = true));
    // The command's output reaches the run's log (what `orch logs -f` and the TUI's log view follow) while it runs,
    // as a local command's lines would: this one never ends on the victim.
    await until(() => sb.orch('logs', 'a/E01').stdout.includes(`[run_test on victim] CHECK cwd=${victim.dir}`), 'the first line of the command in the run log', 30_000);
    expect(answered).toBe(false);
    expect(sb.orch('logs', 'a/E01').stdout).not.toContain('[run_test on victim] CHECK end');
    await victim.stop('SIGKILL');
    const rescuer = await worker(sb, 'rescuer', 2000);
    const r = await answer;
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toContain('ran on worker rescuer');
    expect(r.text).toContain(`CHECK cwd=${rescuer.dir}`);
    expect(sb.orch('logs', 'a/E01').stdout).toMatch(/run_test running on worker rescuer \(attempt 2: the previous worker was lost\)/);
  }, 120_000);
});
