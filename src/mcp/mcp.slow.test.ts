/**
 * The real Claude Code binary spawning the built MCP server (`dist/src/mcp/main.js`) over stdio, driven by the
 * simulated model, talking to a fake daemon.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeEnv } from '../agents/index.js';
import { startModelServer, type ModelServer, type RecordedRequest, type Scenario } from '../simulator/index.js';
import { claudeMcpConfig, ORCH_MCP_TOOLS } from './config.js';
import { mcpServerEnv } from './env.js';
import { startFakeDaemon, type FakeDaemon } from './fake-daemon.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLAUDE = join(ROOT, 'node_modules/.bin/claude');
const ENTRY = join(ROOT, 'dist/src/mcp/main.js');
const TOKEN = 'slow-token';
const ANSWER = 'Store amounts as integer cents.';

const SCENARIOS: Record<string, Scenario> = {
  ask: [
    { text: 'I need to ask.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Cents or decimals?', audience: 'human' } }] },
    { tools: [{ name: 'mcp__orch__orch_done', input: { summary: 'Used integer cents as told.' } }] },
    { text: 'All done.' },
  ],
  unanswered: [
    { tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Which locale?' } }] },
    { text: 'Waiting for the answer.' },
  ],
  build: [
    { tools: [{ name: 'mcp__orch__run_build', input: {} }] },
    { text: 'Built.' },
  ],
};

let model: ModelServer;
let root: string;
const timings: string[] = [];

beforeAll(async () => {
  // `npm test` builds first; this suite only needs the built entry point.
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first`);
  root = realpathSync(mkdtempSync(join(tmpdir(), 'orch-mcp-slow-')));
  model = await startModelServer({ scenarios: SCENARIOS });
}, 180_000);

afterAll(async () => {
  await model.close();
  rmSync(root, { recursive: true, force: true });
  process.stderr.write(`mcp slow timings:\n  ${timings.join('\n  ')}\n`);
});

interface ClaudeRun {
  code: number | null;
  events: Array<Record<string, unknown>>;
  stderr: string;
  ms: number;
}

const runClaude = async (name: string, prompt: string, daemon: FakeDaemon, extra: { answerWaitMs?: number; commands?: Record<string, string[]> } = {}): Promise<ClaudeRun> => {
  const home = join(root, name, 'home');
  const cwd = join(root, name, 'work');
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const mcpEnv = mcpServerEnv({ daemonUrl: daemon.url, token: TOKEN, runId: `run-${name}`, commands: extra.commands ?? {}, ...(extra.answerWaitMs ? { answerWaitMs: extra.answerWaitMs } : {}) });
  const mcpConfig = claudeMcpConfig({ node: process.execPath, entry: ENTRY, env: mcpEnv });
  const env = sanitizeEnv({ PATH: process.env.PATH }, {
    HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-test', CLAUDE_CODE_MAX_RETRIES: '0',
  });
  const args = [
    '-p', prompt, '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits',
    '--mcp-config', mcpConfig, '--strict-mcp-config', '--allowedTools', ...ORCH_MCP_TOOLS,
  ];
  const started = performance.now();
  const child = spawn(CLAUDE, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  const ms = Math.round(performance.now() - started);
  timings.push(`claude ${name}: ${ms} ms`);
  const events = out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, events, stderr, ms };
};

/** The tool_result blocks sent back to the model in main requests of one scenario. */
const toolResults = (requests: RecordedRequest[], scenario: string): string[] =>
  requests
    .filter((r) => r.kind === 'main' && r.scenario === scenario)
    .flatMap((r) => {
      const messages = (r.body as { messages?: Array<{ role: string; content: unknown }> }).messages ?? [];
      const last = messages.at(-1);
      return Array.isArray(last?.content) ? (last.content as Array<{ type?: string; content?: unknown }>) : [];
    })
    .filter((b) => b.type === 'tool_result')
    .map((b) => JSON.stringify(b.content));

describe('the agent MCP server under the real claude binary', () => {
  it('orch_ask gets the answer into the conversation, then orch_done reaches the daemon', async () => {
    const daemon = await startFakeDaemon({ token: TOKEN, answerAfterMs: 1500, answer: () => ANSWER });
    try {
      const run = await runClaude('ask', '[[scenario:ask]] Implement money handling.', daemon);
      const init = run.events.find((e) => e.type === 'system' && e.subtype === 'init');
      expect(init?.mcp_servers, run.stderr).toEqual([{ name: 'orch', status: 'connected' }]);
      expect(init?.tools).toEqual(expect.arrayContaining(['mcp__orch__orch_done', 'mcp__orch__orch_ask', 'mcp__orch__orch_stuck']));
      const result = run.events.at(-1);
      expect(result, run.stderr).toMatchObject({ type: 'result', is_error: false, result: 'All done.' });
      expect(run.code).toBe(0);

      expect(daemon.signals).toMatchObject([
        { kind: 'question', text: 'Cents or decimals?', audience: 'human', runId: 'run-ask', answer: ANSWER },
        { kind: 'done', text: 'Used integer cents as told.', runId: 'run-ask' },
      ]);
      expect(daemon.requests.every((r) => r.authorized)).toBe(true);
      const first = model.requests.find((r) => r.kind === 'main' && r.scenario === 'ask');
      const offered = ((first?.body as { tools?: Array<{ name?: string }> } | undefined)?.tools ?? []).map((t) => t.name);
      expect(offered).toEqual(expect.arrayContaining(['mcp__orch__orch_done', 'mcp__orch__orch_ask', 'mcp__orch__orch_stuck']));
      const results = toolResults(model.requests, 'ask');
      expect(results[0]).toContain(ANSWER);
      expect(results[1]).toContain('recorded the task as done');
    } finally {
      await daemon.close();
    }
  }, 120_000);

  it('an unanswered question tells the agent to end its turn', async () => {
    const daemon = await startFakeDaemon({ token: TOKEN });
    try {
      const run = await runClaude('unanswered', '[[scenario:unanswered]] Localise the app.', daemon, { answerWaitMs: 1000 });
      expect(run.events.at(-1), run.stderr).toMatchObject({ type: 'result', is_error: false });
      expect(daemon.signals).toMatchObject([{ kind: 'question', text: 'Which locale?', answer: null }]);
      expect(toolResults(model.requests, 'unanswered')[0]).toContain('queued for a human');
    } finally {
      await daemon.close();
    }
  }, 120_000);

  it('run_build runs the configured argv in the agent working directory', async () => {
    const daemon = await startFakeDaemon({ token: TOKEN });
    try {
      const commands = { build: [process.execPath, '-e', 'console.log("built at " + process.cwd())'] };
      const run = await runClaude('build', '[[scenario:build]] Build it.', daemon, { commands });
      expect(run.events.at(-1), run.stderr).toMatchObject({ type: 'result', is_error: false });
      expect(toolResults(model.requests, 'build')[0]).toContain(`built at ${join(root, 'build', 'work')}`);
    } finally {
      await daemon.close();
    }
  }, 120_000);

  it('the entry point exits 2 with a clear message when its environment is missing', async () => {
    const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toBe('orch mcp: Missing environment variables ORCH_DAEMON_URL, ORCH_DAEMON_TOKEN, ORCH_RUN_ID: the Orch daemon sets them when it starts an agent.\n');
  });
});
