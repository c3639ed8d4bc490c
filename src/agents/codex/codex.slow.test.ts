/**
 * The real Codex binary against a scripted Responses server, in temporary git repositories.
 * The binary is `node_modules/.bin/codex` (devDependency `@openai/codex`) or `ORCH_CODEX_BIN`; without
 * either the suite is skipped. `ORCH_CAPTURE_FIXTURES=1` also writes `fixtures/real-*.jsonl` from these runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeEnv } from '../env.js';
import { isAlive } from '../group.js';
import { createScratch, findCli, runTurn, type Scratch, type TurnResult } from '../testing/real-cli.js';
import type { AgentRunRequest } from '../types.js';
import { createCodexBackend } from './backend.js';
import { afterToolCall, startResponsesServer, userTexts, type ResponsesServer } from './testing/responses-server.js';

const CODEX = findCli('codex', 'ORCH_CODEX_BIN', 'devDependency @openai/codex');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** `RUN:<cmd>` in the prompt makes the model call exec_command once; `FAIL` makes the server answer 500; `SLOW` stalls. */
const script = (body: unknown) => {
  if (afterToolCall(body)) return { kind: 'text', text: 'Done. Tool ran.' } as const;
  const prompt = userTexts(body).at(-1) ?? '';
  if (prompt.includes('FAIL')) return { kind: 'http_error', status: 500, message: 'scripted failure' } as const;
  const run = /RUN:(.+)$/m.exec(prompt)?.[1];
  return run ? ({ kind: 'command', cmd: run, text: 'Running a command.' } as const) : ({ kind: 'text', text: 'Done. No tool.' } as const);
};

let server: ResponsesServer;
let scratch: Scratch;
let codexHome: string;
let repo: string;
const makeRepo = (name: string): string => scratch.makeRepo(name);

const providerArgs = (): string[] => [
  '-c', 'model_provider=fake',
  '-c', `model_providers.fake={name="Fake",base_url="${server.url}",wire_api="responses",env_key="FAKE_API_KEY"}`,
  '-c', 'model_providers.fake.request_max_retries=0',
  '-c', 'model_providers.fake.stream_max_retries=0',
];

const env = (): Record<string, string> => sanitizeEnv({ PATH: process.env.PATH }, { HOME: scratch.root, CODEX_HOME: codexHome, FAKE_API_KEY: 'sk-test' });

// Codex 0.169's own workspace-write sandbox execs `codex-linux-sandbox` through the system's bwrap when one is
// installed, and that name is not on PATH in the npm package ("bwrap: execvp codex-linux-sandbox"), so every
// command fails. Inside Orch, Orch's own bubblewrap contains Codex; here the runs are uncontained on purpose.
const codex = () => createCodexBackend({ command: CODEX, extraArgs: providerArgs(), sandbox: 'danger-full-access' });

const run = (name: string, cwd: string, req: Partial<AgentRunRequest> & { prompt: string }): Promise<TurnResult> =>
  runTurn(codex(), { runId: name, cwd, env: env(), model: 'gpt-5.5', ...req }, { dir: FIXTURES, name });

describe.skipIf(!CODEX)('codex backend (real binary, scripted Responses server)', () => {
  beforeAll(async () => {
    scratch = createScratch('orch-codex-');
    codexHome = join(scratch.root, '.codex');
    mkdirSync(codexHome);
    server = await startResponsesServer(script);
    repo = makeRepo('repo');
  });

  afterAll(async () => {
    await server.close();
    scratch.cleanup();
  });

  let firstThread = '';

  it('check() finds the binary and its version', async () => {
    expect(await createCodexBackend({ command: CODEX }).check()).toEqual({ ok: true, command: CODEX, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('runs a shell command through the model and reports usage', async () => {
    const { outcome, events } = await run('success-tools', repo, { prompt: '-leading dash stays the prompt. RUN:echo hi > made.txt' });
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, exitCode: 0, resultText: 'Done. Tool ran.' });
    expect(readFileSync(join(repo, 'made.txt'), 'utf8')).toBe('hi\n');
    expect(outcome.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    // Two model requests of 120 input tokens (20 cached) and 15 output tokens each, summed by codex.
    expect(outcome.usage).toEqual({ inputTokens: 240, outputTokens: 30, cacheReadTokens: 40, cacheWriteTokens: 0 });
    expect(outcome.costUsd).toBeUndefined();
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: false, output: expect.stringContaining('') });
    expect(events.filter((e) => e.type === 'unparsed')).toEqual([]);
    const req = server.requests.find((r) => r.path.startsWith('/v1/responses'));
    expect(req?.headers.authorization).toBe('Bearer sk-test');
    expect(userTexts(req?.body).join('\n')).toContain('-leading dash stays the prompt.');
    firstThread = outcome.sessionId ?? '';
  });

  it('resumes the same thread and resends the history', async () => {
    const before = server.requests.length;
    const { outcome } = await run('resume', repo, { prompt: 'RUN:echo again > resumed.txt', resumeSessionId: firstThread });
    expect(outcome.error).toBeUndefined();
    expect(outcome.sessionId).toBe(firstThread);
    expect(readFileSync(join(repo, 'resumed.txt'), 'utf8')).toBe('again\n');
    const texts = userTexts(server.requests[before]?.body).join('\n');
    expect(texts).toContain('-leading dash stays the prompt.');
  });

  it('a provider 500 is ok:false with turn.failed', async () => {
    const { outcome } = await run('api-error-500', makeRepo('r500'), { prompt: 'FAIL please' });
    expect(outcome.ok).toBe(false);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toContain('Codex reported an error (turn.failed');
  });

  it('an unknown thread id fails without a result event', async () => {
    const { outcome } = await run('bad-resume', repo, { prompt: 'continue', resumeSessionId: randomUUID() });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('no rollout found');
  });

  it('cancel ends codex and its group', async () => {
    const ac = new AbortController();
    const handle = codex().start({
      runId: 'cancel', cwd: makeRepo('rcancel'), env: env(), model: 'gpt-5.5', prompt: 'RUN:sleep 30', signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'session') setTimeout(() => ac.abort(), 500);
      },
    });
    const outcome = await handle.result;
    expect(outcome).toMatchObject({ ok: false, canceled: true });
    expect(isAlive(handle.pid)).toBe(false);
  });
});
