/**
 * The real Claude Code binary against the simulated model server, in temporary git repositories.
 * `ORCH_CAPTURE_FIXTURES=1` also rewrites `fixtures/*.jsonl` from these runs (the parser tests read them).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer, type Scenario } from '../../simulator/index.js';
import { sanitizeEnv } from '../env.js';
import { isAlive } from '../group.js';
import type { AgentEvent, AgentOutcome, AgentRunRequest } from '../types.js';
import { createClaudeBackend, type ClaudeBackendOptions } from './backend.js';
import { createScratch, type Scratch } from '../testing/real-cli.js';

const CLAUDE = fileURLToPath(new URL('../../../node_modules/.bin/claude', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CAPTURE = process.env.ORCH_CAPTURE_FIXTURES === '1';

const SCENARIOS: Record<string, Scenario> = {
  followup: [
    { text: 'Continuing where I left off.', tools: [{ name: 'Bash', input: { command: 'echo resumed > resumed.txt', description: 'Mark resume' } }] },
    { text: 'Follow-up done.' },
  ],
  broken: [{ httpError: { status: 500, message: 'scripted failure' } }],
  flaky: [{ httpError: { status: 529, times: 1 }, text: 'Recovered after a retry.' }],
  push: [
    { tools: [{ name: 'Bash', input: { command: 'git push origin HEAD', description: 'Push' } }] },
    { text: 'Could not push.' },
  ],
  slow: [{ delayMs: 60_000, text: 'too late' }],
};

const EPIC_PROMPT = [
  '# Greeting module',
  '',
  'Deliverables:',
  '- `src/greet.ts`: the greeting',
  '',
  '```file:notes/hello.txt',
  'hello from the simulated model',
  '```',
  '',
  'Verify: `echo verified > verify.txt && ls`',
].join('\n');

let server: ModelServer;
let root: string;
let configDir: string;
let repo: string;
const timings: string[] = [];

let scratch: Scratch;
const makeRepo = (name: string): string => scratch.makeRepo(name);

interface Run {
  outcome: AgentOutcome;
  events: AgentEvent[];
  lines: string[];
}

const run = async (
  name: string,
  cwd: string,
  req: Partial<AgentRunRequest> & { prompt: string },
  opts: ClaudeBackendOptions = {},
  extraEnv: Record<string, string> = {},
): Promise<Run> => {
  const events: AgentEvent[] = [];
  const lines: string[] = [];
  const env = sanitizeEnv(
    { PATH: process.env.PATH },
    { HOME: root, CLAUDE_CONFIG_DIR: configDir, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'sk-test', CLAUDE_CODE_MAX_RETRIES: '0', ...extraEnv },
  );
  const handle = createClaudeBackend({ command: CLAUDE, ...opts }).start({
    runId: name, cwd, env, onEvent: (e) => events.push(e), onLine: (s, l) => s === 'stdout' && lines.push(l), ...req,
  });
  const outcome = await handle.result;
  timings.push(`${name}: ${outcome.durationMs} ms`);
  if (CAPTURE) writeFileSync(join(FIXTURES, `${name}.jsonl`), `${lines.join('\n')}\n`);
  return { outcome, events, lines };
};

beforeAll(async () => {
  scratch = createScratch('orch-claude-');
  root = scratch.root;
  configDir = join(root, '.claude');
  server = await startModelServer({ scenarios: SCENARIOS });
  repo = makeRepo('repo');
  if (CAPTURE) mkdirSync(FIXTURES, { recursive: true });
});

afterAll(async () => {
  await server.close();
  scratch.cleanup();
  process.stdout.write(`claude run times against the simulator:\n  ${timings.join('\n  ')}\n`);
});

describe('claude backend (real binary, simulated model)', () => {
  let firstSession = '';

  it('check() finds the binary and its version', async () => {
    const r = await createClaudeBackend({ command: CLAUDE }).check();
    expect(r).toEqual({ ok: true, command: CLAUDE, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const missing = await createClaudeBackend({ command: 'orch-no-claude', env: { PATH: root } }).check();
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toContain('npm i -g @anthropic-ai/claude-code');
  });

  it('writes the deliverables and runs the verify command', async () => {
    const { outcome, events } = await run('success-tools', repo, { prompt: EPIC_PROMPT });
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(outcome.exitCode).toBe(0);
    expect(readFileSync(join(repo, 'notes/hello.txt'), 'utf8')).toBe('hello from the simulated model\n');
    expect(readFileSync(join(repo, 'src/greet.ts'), 'utf8')).toContain('export const greet = "src/greet.ts";');
    expect(readFileSync(join(repo, 'verify.txt'), 'utf8')).toBe('verified\n');
    expect(outcome.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome.usage.inputTokens).toBeGreaterThan(0);
    expect(outcome.usage.outputTokens).toBeGreaterThan(0);
    expect(outcome.costUsd).toBeGreaterThan(0);
    expect(outcome.resultText).toContain('Wrote 2 file(s)');
    expect(events.filter((e) => e.type === 'tool_call').map((e) => (e.type === 'tool_call' ? e.name : ''))).toEqual(['Write', 'Write', 'Bash']);
    expect(events.filter((e) => e.type === 'tool_result' && e.isError)).toEqual([]);
    firstSession = outcome.sessionId ?? '';
  });

  it('overwrites an existing deliverable after reading it', async () => {
    const dir = makeRepo('rexisting');
    const prompt = '# Readme refresh\n\n```file:README.md\n# refreshed by the simulated model\n```\n';
    const { outcome, events } = await run('existing-file', dir, { prompt });
    expect(outcome.ok).toBe(true);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# refreshed by the simulated model\n');
    expect(events.filter((e) => e.type === 'tool_call').map((e) => (e.type === 'tool_call' ? e.name : ''))).toEqual(['Write', 'Read', 'Bash', 'Write']);
  });

  it('resumes the same session and the model sees the earlier history', async () => {
    const before = server.requests.length;
    const { outcome } = await run('resume', repo, { prompt: '[[scenario:followup]] Please continue.', resumeSessionId: firstSession });
    expect(outcome.ok).toBe(true);
    expect(outcome.sessionId).toBe(firstSession);
    expect(readFileSync(join(repo, 'resumed.txt'), 'utf8')).toBe('resumed\n');
    const main = server.requests.slice(before).find((r) => r.kind === 'main' && r.scenario === 'followup');
    const history = JSON.stringify((main?.body as { messages?: unknown } | undefined)?.messages);
    expect(history).toContain('# Greeting module');
    expect(history).toContain('Wrote 2 file(s)');
  });

  it('reports an API error 500 as ok:false with the API error text', async () => {
    const { outcome } = await run('api-error-500', makeRepo('r500'), { prompt: '[[scenario:broken]]' });
    expect(outcome.ok).toBe(false);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toContain('scripted failure');
    expect(outcome.sessionId).toBeDefined();
  });

  it('retries a 529 when retries are allowed and shows the retry', async () => {
    const { outcome, events } = await run('api-retry', makeRepo('r529'), { prompt: '[[scenario:flaky]]' }, {}, { CLAUDE_CODE_MAX_RETRIES: '1' });
    expect(outcome.ok).toBe(true);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ type: 'retry', attempt: 1, status: 529 });
  });

  it('stops at max turns with ok:false', async () => {
    const { outcome } = await run('max-turns', makeRepo('rmax'), { prompt: EPIC_PROMPT }, { maxTurns: 1 });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('error_max_turns');
    expect(outcome.error).toContain('maximum number of turns');
  });

  it('fails a resume with an unknown session id', async () => {
    const { outcome } = await run('bad-resume', repo, { prompt: 'continue', resumeSessionId: randomUUID() });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('No conversation found with session ID');
  });

  it('denies git push through the default deny-list', async () => {
    const { outcome, events } = await run('permission-denied', makeRepo('rpush'), { prompt: '[[scenario:push]]' });
    expect(outcome.ok).toBe(true);
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: true });
  });

  it('cancel ends claude and its group within 5 s', async () => {
    const ac = new AbortController();
    const events: AgentEvent[] = [];
    const env = sanitizeEnv({ PATH: process.env.PATH }, { HOME: root, CLAUDE_CONFIG_DIR: configDir, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'sk-test' });
    const handle = createClaudeBackend({ command: CLAUDE }).start({
      runId: 'cancel', cwd: makeRepo('rcancel'), env, prompt: '[[scenario:slow]]', signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'session') setTimeout(() => ac.abort(), 300);
      },
    });
    const t0 = Date.now();
    const outcome = await handle.result;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(outcome).toMatchObject({ ok: false, canceled: true });
    expect(outcome.error).toContain('canceled');
    expect(isAlive(handle.pid)).toBe(false);
  });
});
