/**
 * The real Gemini CLI against the simulated Gemini API, in temporary git repositories (AGENT-CLIS.md 7.1).
 * The binary is `node_modules/.bin/gemini` (devDependency `@google/gemini-cli`) or `ORCH_GEMINI_BIN`; without
 * either the suite is skipped. `ORCH_CAPTURE_FIXTURES=1` also writes `fixtures/real-*.jsonl` from these runs.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGeminiServer } from '../../simulator/gemini.js';
import type { ConversationContext, ModelServer, Scenario } from '../../simulator/types.js';
import { sanitizeEnv } from '../env.js';
import { isAlive } from '../group.js';
import type { AgentEvent, AgentOutcome, AgentRunRequest } from '../types.js';
import { createGeminiBackend, writeGeminiSettings, type GeminiBackendOptions } from './backend.js';

const LOCAL = fileURLToPath(new URL('../../../node_modules/.bin/gemini', import.meta.url));
const GEMINI = process.env.ORCH_GEMINI_BIN || (existsSync(LOCAL) ? LOCAL : '');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CAPTURE = process.env.ORCH_CAPTURE_FIXTURES === '1';
const MODEL = 'gemini-2.5-flash';

if (!GEMINI) process.stdout.write('gemini.slow.test.ts skipped: no node_modules/.bin/gemini and ORCH_GEMINI_BIN is unset\n');

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
let root: string;
let opts: GeminiBackendOptions;

const makeRepo = (name: string): string => {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Orch Test');
  git('config', 'user.email', 'test@orch.invalid');
  git('config', 'commit.gpgsign', 'false');
  writeFileSync(join(dir, 'README.md'), '# test\n');
  git('add', 'README.md');
  git('commit', '-q', '-m', 'init');
  return dir;
};

const env = (): Record<string, string> =>
  sanitizeEnv({ PATH: process.env.PATH }, { HOME: root, TMPDIR: join(root, 'tmp'), GOOGLE_GEMINI_BASE_URL: server.url, GEMINI_API_KEY: 'test-key' });

const run = async (name: string, cwd: string, req: Partial<AgentRunRequest> & { prompt: string }): Promise<{ outcome: AgentOutcome; events: AgentEvent[]; stderr: string[] }> => {
  const events: AgentEvent[] = [];
  const lines: string[] = [];
  const stderr: string[] = [];
  const outcome = await createGeminiBackend(opts).start({
    runId: name, cwd, env: env(), model: MODEL, onEvent: (e) => events.push(e),
    onLine: (s, l) => (s === 'stdout' ? lines : stderr).push(l), ...req,
  }).result;
  if (CAPTURE && lines.length > 0) writeFileSync(join(FIXTURES, `real-${name}.jsonl`), `${lines.join('\n')}\n`);
  return { outcome, events, stderr };
};

describe.skipIf(!GEMINI)('gemini backend (real binary, simulated Gemini API)', { timeout: 120_000 }, () => {
  let repo: string;
  let firstSession = '';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'orch-gemini-'));
    mkdirSync(join(root, 'tmp'));
    const home = join(root, 'gemini-home');
    writeGeminiSettings(home, { general: { maxAttempts: 1 } });
    opts = { command: GEMINI, home };
    server = await startGeminiServer({ scenario });
    repo = makeRepo('repo');
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
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
