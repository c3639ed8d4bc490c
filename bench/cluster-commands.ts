/**
 * Build/test/lint on a worker: the latency of an agent's `run_test` (Orch's MCP server as the daemon gave it to
 * the agent, a real redis-server, a real `orch worker`) run next to the agent and on the worker, and what a worker
 * adds per call (worktree snapshot, queue, fetch into the worker's cache, a worktree there, the result back).
 * Usage: node dist/bench/cluster-commands.js [calls=10] [commandMs=200]. Prints numbers; no target.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { trust } from '../src/config/trust.js';
import { startRedis } from '../src/cluster/testing/redis.js';
import { startWorkerProc } from '../src/cluster/testing/workers.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const orchBin = join(root, 'bin', 'orch.js');
const calls = Number(process.argv[2] ?? 10);
const commandMs = Number(process.argv[3] ?? 200);

function project(base: string, redisUrl: string): { repo: string; env: NodeJS.ProcessEnv; agentLog: string } {
  const repo = join(base, 'repo');
  const bin = join(base, 'bin');
  const agentLog = join(base, 'agent', 'agent.log');
  for (const d of [repo, bin, join(base, 'agent'), join(repo, '.orch'), join(repo, 'docs/plans/a-module'), join(base, 'config', 'orch')]) mkdirSync(d, { recursive: true });
  symlinkSync(join(root, 'test', 'fixtures', 'fake-claude.mjs'), join(bin, 'claude'));
  writeFileSync(join(repo, 'docs/plans/a-module/epic-01-wait.md'), '# Wait\n\nForever. [[fake:hang]]\n');
  writeFileSync(join(repo, 'check.mjs'), `console.log('checking');\nawait new Promise((r) => setTimeout(r, ${commandMs}));\nconsole.log('ok');\n`);
  const config = '[commands]\ntest = ["node", "check.mjs"]\n';
  writeFileSync(join(repo, '.orch', 'config.toml'), config);
  trust(join(base, 'config', 'orch'), join(realpathSync(repo), '.orch', 'config.toml'), config);
  writeFileSync(join(base, 'config', 'orch', 'config.toml'), `[agent]\npass_env = ["FAKE_CLAUDE_*"]\n\n[sandbox]\nwritable = [${JSON.stringify(join(base, 'agent'))}]\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: join(base, 'home'),
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_STATE_HOME: join(base, 'state'),
    XDG_DATA_HOME: join(base, 'data'),
    FAKE_CLAUDE_LOG: agentLog,
    GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b',
    NO_COLOR: '1',
    ORCH_REDIS_URL: redisUrl,
  };
  const g = (...a: string[]) => execFileSync('git', a, { cwd: repo, env });
  g('init', '-q', '-b', 'main');
  g('add', '-A');
  g('-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'plan');
  return { repo, env, agentLog };
}

const orch = (p: { repo: string; env: NodeJS.ProcessEnv }, ...args: string[]) => spawnSync(process.execPath, [orchBin, ...args], { cwd: p.repo, env: p.env, encoding: 'utf8', timeout: 120_000 });

async function waitFor<T>(fn: () => T | undefined, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stats = (xs: number[]): { mean: number; median: number } => {
  const s = [...xs].sort((a, b) => a - b);
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: s[Math.floor(s.length / 2)] ?? 0 };
};

async function main(): Promise<void> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'orch-bench-cmd-')));
  const redis = await startRedis();
  const p = project(base, redis.url);
  let client: Client | undefined;
  let worker: ReturnType<typeof startWorkerProc> | undefined;
  try {
    orch(p, 'start');
    const call = await waitFor(() => {
      try {
        return JSON.parse(readFileSync(p.agentLog, 'utf8').split('\n')[0] ?? '') as { cwd: string; args: string[] };
      } catch {
        return undefined;
      }
    }, 'the agent');
    const file = call.args.find((a) => a.startsWith('--mcp-config='))?.slice('--mcp-config='.length) ?? '';
    const server = (JSON.parse(readFileSync(file, 'utf8')) as { mcpServers: { orch: { command: string; args: string[]; env: Record<string, string> } } }).mcpServers.orch;
    const c = new Client({ name: 'bench', version: '0' });
    client = c;
    await c.connect(new StdioClientTransport({ command: server.command, args: server.args, env: { PATH: process.env.PATH ?? '', ...server.env }, cwd: call.cwd, stderr: 'ignore' }));
    const time = async (): Promise<{ ms: number; where: string }> => {
      const t0 = performance.now();
      const r = (await c.callTool({ name: 'run_test', arguments: {} }, undefined, { timeout: 120_000 })) as CallToolResult;
      const text = r.content.map((x) => (x.type === 'text' ? x.text : '')).join('');
      if (r.isError) throw new Error(`run_test failed: ${text}`);
      return { ms: performance.now() - t0, where: /ran on worker (\S+)/.exec(text)?.[1] ?? 'here' };
    };
    // No worker yet: the calls run next to the agent (the daemon is asked first and says so, as with a cluster).
    const localMs: number[] = [];
    for (let i = 0; i < calls; i++) {
      writeFileSync(join(call.cwd, `local-${i}.txt`), String(i));
      const r = await time();
      if (r.where !== 'here') throw new Error('a call ran on a worker before any was started');
      localMs.push(r.ms);
    }
    worker = startWorkerProc({ base, name: 'bw', redis: redis.url, repos: [p.repo], env: p.env });
    await worker.ready;
    await waitFor(() => ((JSON.parse(orch(p, 'workers', '--json').stdout || '{"workers":[]}') as { workers: unknown[] }).workers.length === 1 ? true : undefined), 'the worker registered');
    const remoteMs: number[] = [];
    for (let i = 0; i < calls; i++) {
      // A new uncommitted file each call: every snapshot is a new commit the worker fetches.
      writeFileSync(join(call.cwd, `remote-${i}.txt`), String(i));
      const r = await time();
      if (r.where === 'here') throw new Error('the call ran here although a worker was registered');
      remoteMs.push(r.ms);
    }
    const l = stats(localMs);
    const r = stats(remoteMs);
    process.stdout.write(`bench/cluster-commands: ${calls} run_test calls each, the command itself ${commandMs} ms\n\n| where | mean | median |\n|---|---|---|\n`);
    process.stdout.write(`| next to the agent | ${Math.round(l.mean)} ms | ${Math.round(l.median)} ms |\n| on a worker | ${Math.round(r.mean)} ms | ${Math.round(r.median)} ms |\n`);
    process.stdout.write(`\nadded by the worker per call: ${Math.round(r.mean - l.mean)} ms mean, ${Math.round(r.median - l.median)} ms median\n`);
  } finally {
    await client?.close().catch(() => undefined);
    orch(p, 'daemon', 'stop');
    await worker?.stop('SIGKILL');
    await redis.stop();
    if (process.env.BENCH_KEEP) process.stdout.write(`kept ${base}\n`);
    else rmSync(base, { recursive: true, force: true });
  }
}

await main();
