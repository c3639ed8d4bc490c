/**
 * The real Gemini CLI against the simulated Gemini API, in temporary git repositories (AGENT-CLIS.md 7.1).
 * The binary is `node_modules/.bin/gemini` (devDependency `@google/gemini-cli`) or `ORCH_GEMINI_BIN`; without
 * either the suite is skipped. `ORCH_CAPTURE_FIXTURES=1` also writes `fixtures/real-*.jsonl` from these runs.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGeminiServer } from '../../simulator/gemini.js';
import type { ConversationContext, ModelServer, Scenario } from '../../simulator/types.js';
import { sanitizeEnv } from '../env.js';
import { isAlive } from '../group.js';
import { createScratch, findCli, runTurn, type Scratch, type TurnResult } from '../testing/real-cli.js';
import type { AgentRunRequest } from '../types.js';
import { createGeminiBackend, writeGeminiSettings, type GeminiBackendOptions } from './backend.js';

const GEMINI = findCli('gemini', 'ORCH_GEMINI_BIN', 'devDependency @google/gemini-cli');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const MODEL = 'gemini-2.5-flash';

/** `Deliverables`: the default epic scenario. First prompt: write a file, run a shell command, end. A follow-up: one shell command. `FAIL`: HTTP 500. `SLOW`: a long command. */
const scenario = (ctx: ConversationContext): Scenario | undefined => {
  if (ctx.promptText.includes('FAIL')) return [{ httpError: { status: 500, message: 'scripted failure' } }];
  if (ctx.promptText.includes('Deliverables')) return undefined;
  if (ctx.promptText.includes('SLOW')) return [{ tools: [{ name: 'Bash', input: { command: 'sleep 30', description: 'wait' } }] }];
  if (ctx.promptIndex > 0) return [{ text: 'Continuing.', tools: [{ name: 'Bash', input: { command: 'echo again > resumed.txt', description: 'again' } }] }, { text: 'Resumed.' }];
  return [
    { text: 'Writing the file.', tools: [{ name: 'Write', input: { file_path: 'made.txt', content: 'hello from the simulator\n' } }] },
    { text: 'Running a command.', tools: [{ name: 'Bash', input: { command: 'echo hi-from-shell | tee shell.txt', description: 'echo' } }] },
    { text: 'Done. Tool ran.' },
  ];
};

let server: ModelServer;
let scratch: Scratch;
let opts: GeminiBackendOptions;
const makeRepo = (name: string): string => scratch.makeRepo(name);

const env = (): Record<string, string> =>
  sanitizeEnv({ PATH: process.env.PATH }, { HOME: scratch.root, TMPDIR: join(scratch.root, 'tmp'), GOOGLE_GEMINI_BASE_URL: server.url, GEMINI_API_KEY: 'test-key' });

const run = (name: string, cwd: string, req: Partial<AgentRunRequest> & { prompt: string }): Promise<TurnResult> =>
  runTurn(createGeminiBackend(opts), { runId: name, cwd, env: env(), model: MODEL, ...req }, { dir: FIXTURES, name });

describe.skipIf(!GEMINI)('gemini backend (real binary, simulated Gemini API)', { timeout: 120_000 }, () => {
  let repo: string;
  let firstSession = '';

  beforeAll(async () => {
    scratch = createScratch('orch-gemini-');
    const home = join(scratch.root, 'gemini-home');
    writeGeminiSettings(home, { general: { maxAttempts: 1 } });
    opts = { command: GEMINI, home };
    server = await startGeminiServer({ scenario });
    repo = makeRepo('repo');
  });

  afterAll(async () => {
    await server.close();
    scratch.cleanup();
  });

  it('check() finds the binary and its version', async () => {
    expect(await createGeminiBackend({ command: GEMINI }).check()).toEqual({ ok: true, command: GEMINI, version: '0.61.0' });
  });

  it('writes a file and runs a shell command through the model, with session and usage', async () => {
    const { outcome, events, stderr } = await run('success-tools', repo, { prompt: 'Write the file, then run the command.' });
    expect(outcome.error, stderr.join('\n')).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, exitCode: 0, resultText: 'Done. Tool ran.' });
    expect(readFileSync(join(repo, 'made.txt'), 'utf8')).toBe('hello from the simulator\n');
    expect(readFileSync(join(repo, 'shell.txt'), 'utf8')).toBe('hi-from-shell\n');
    expect(outcome.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome.usage.inputTokens).toBeGreaterThan(0);
    expect(outcome.usage.outputTokens).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'unparsed')).toEqual([]);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.type === 'tool_call' && e.name)).toEqual(['write_file', 'run_shell_command']);
    expect(events.find((e) => e.type === 'tool_result' && e.output.includes('hi-from-shell'))).toBeDefined();
    const main = server.requests.filter((r) => r.kind === 'main');
    expect(main.map((r) => r.step)).toEqual([0, 1, 2]);
    expect(main[0]?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
    expect(main[0]?.headers['x-goog-api-key']).toBe('<present>');
    firstSession = outcome.sessionId ?? '';
  });

  it('resumes the same session, which resends the history', async () => {
    const before = server.requests.length;
    const { outcome, stderr } = await run('resume', repo, { prompt: 'Once more.', resumeSessionId: firstSession });
    expect(outcome.error, stderr.join('\n')).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, sessionId: firstSession, resultText: 'Resumed.' });
    expect(readFileSync(join(repo, 'resumed.txt'), 'utf8')).toBe('again\n');
    expect(JSON.stringify(server.requests[before]?.body)).toContain('Write the file, then run the command.');
  });

  it('an HTTP 500 ends as ok:false with the API error (exit 244, no retries)', async () => {
    const before = server.requests.length;
    const { outcome } = await run('api-error-500', makeRepo('r500'), { prompt: 'FAIL please' });
    expect(outcome.ok).toBe(false);
    expect(outcome.exitCode).toBe(244);
    expect(outcome.error).toContain('Gemini CLI reported an error');
    expect(outcome.error).toContain('scripted failure');
    expect(server.requests.slice(before).filter((r) => r.kind === 'main')).toHaveLength(1);
  });

  it('the default epic scenario writes the deliverables at absolute paths and runs its verify command', async () => {
    const dir = makeRepo('repic');
    const before = server.requests.length;
    const { outcome, events, stderr } = await run('epic', dir, { prompt: 'Deliverables: `src/epic.ts` `notes/epic.md`' });
    expect(outcome.error, stderr.join('\n')).toBeUndefined();
    expect(outcome.resultText).toContain('Wrote 2 file(s): src/epic.ts, notes/epic.md');
    expect(readFileSync(join(dir, 'src/epic.ts'), 'utf8')).toContain('export const epic = "src/epic.ts";');
    expect(existsSync(join(dir, 'notes/epic.md'))).toBe(true);
    const writes = events.filter((e) => e.type === 'tool_call' && e.name === 'write_file');
    expect(JSON.stringify(writes)).toContain(join(dir, 'src/epic.ts'));
    expect(server.requests.slice(before).filter((r) => r.kind === 'main').map((r) => r.scenario)).toEqual(['epic', 'epic', 'epic']);
  });

  it('an unknown session id fails (exit 42) without a result event', async () => {
    const { outcome } = await run('bad-resume', repo, { prompt: 'continue', resumeSessionId: randomUUID() });
    expect(outcome.ok).toBe(false);
    expect(outcome.exitCode).toBe(42);
    expect(outcome.error).toContain('Error resuming session');
  });

  it('cancel ends gemini and its group', async () => {
    const ac = new AbortController();
    const handle = createGeminiBackend(opts).start({
      runId: 'cancel', cwd: makeRepo('rcancel'), env: env(), model: MODEL, prompt: 'SLOW', signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'tool_call') setTimeout(() => ac.abort(), 300);
      },
    });
    const outcome = await handle.result;
    expect(outcome).toMatchObject({ ok: false, canceled: true });
    expect(isAlive(handle.pid)).toBe(false);
  });
});
