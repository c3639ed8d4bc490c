/**
 * The real OpenCode binary against the simulated Chat Completions API, in temporary git repositories
 * (AGENT-CLIS.md 7.5). The binary is `node_modules/.bin/opencode` (devDependency `opencode-ai`) or `ORCH_OPENCODE_BIN`; without
 * either the suite is skipped. `ORCH_CAPTURE_FIXTURES=1` also writes `fixtures/real-*.jsonl` from these runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIChatServer } from '../../simulator/openai-chat.js';
import type { ConversationContext, ModelServer, Scenario } from '../../simulator/types.js';
import { sanitizeEnv } from '../env.js';
import { isAlive } from '../group.js';
import { createScratch, findCli, runTurn, type Scratch, type TurnResult } from '../testing/real-cli.js';
import type { AgentRunRequest } from '../types.js';
import { createOpenCodeBackend, type OpenCodeBackendOptions } from './backend.js';

const OPENCODE = findCli('opencode', 'ORCH_OPENCODE_BIN', 'devDependency opencode-ai, `npm run agents:install`');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const MODEL = 'sim/sim-model';

/** `Deliverables`: the default epic scenario. First prompt: write a file, run a shell command, end. A follow-up: one shell command. `FAIL`: HTTP 500. `SLOW`: a long command. */
const scenario = (ctx: ConversationContext): Scenario | undefined => {
  if (ctx.promptText.includes('FAIL')) return [{ httpError: { status: 500, message: 'scripted failure', retryAfter: 0.01 } }];
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
let opts: OpenCodeBackendOptions;
const makeRepo = (name: string): string => scratch.makeRepo(name);

const env = (): Record<string, string> => {
  const root = scratch.root;
  return sanitizeEnv({ PATH: process.env.PATH }, {
    HOME: root, TMPDIR: join(root, 'tmp'),
    XDG_DATA_HOME: join(root, 'xdg/data'), XDG_CONFIG_HOME: join(root, 'xdg/config'), XDG_CACHE_HOME: join(root, 'xdg/cache'), XDG_STATE_HOME: join(root, 'xdg/state'),
  });
};

const run = (name: string, cwd: string, req: Partial<AgentRunRequest> & { prompt: string }): Promise<TurnResult> =>
  runTurn(createOpenCodeBackend(opts), { runId: name, cwd, env: env(), model: MODEL, ...req }, { dir: FIXTURES, name });

// Each run takes about 5 s alone and over 20 s on a loaded machine.
describe.skipIf(!OPENCODE)('opencode backend (real binary, simulated Chat Completions API)', { timeout: 120_000 }, () => {
  let repo: string;
  let firstSession = '';

  beforeAll(async () => {
    scratch = createScratch('orch-opencode-');
    server = await startOpenAIChatServer({ scenario });
    const provider = { npm: '@ai-sdk/openai-compatible', name: 'Simulator', options: { baseURL: `${server.url}/v1`, apiKey: 'sk-test' }, models: { 'sim-model': { name: 'Sim' } } };
    opts = { command: OPENCODE, config: { provider: { sim: provider } }, disableModelsFetch: true };
    repo = makeRepo('repo');
  });

  afterAll(async () => {
    await server.close();
    scratch.cleanup();
  });

  it('check() finds the binary and its version', async () => {
    expect(await createOpenCodeBackend({ command: OPENCODE }).check()).toEqual({ ok: true, command: OPENCODE, version: '1.18.33' });
  });

  it('writes a file and runs a shell command through the model, with session and usage', async () => {
    const { outcome, events, stderr } = await run('success-tools', repo, { prompt: 'Write the file, then run the command.' });
    expect(outcome.error, stderr.join('\n')).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, exitCode: 0, resultText: 'Done. Tool ran.' });
    expect(readFileSync(join(repo, 'made.txt'), 'utf8')).toBe('hello from the simulator\n');
    expect(readFileSync(join(repo, 'shell.txt'), 'utf8')).toBe('hi-from-shell\n');
    expect(outcome.sessionId).toMatch(/^ses_\w+$/);
    expect(outcome.usage.inputTokens).toBeGreaterThan(0);
    expect(outcome.usage.outputTokens).toBeGreaterThan(0);
    expect(outcome.costUsd).toBe(0);
    expect(events.filter((e) => e.type === 'unparsed')).toEqual([]);
    expect(events.filter((e) => e.type === 'tool_call').map((e) => e.type === 'tool_call' && e.name)).toEqual(['write', 'bash']);
    expect(events.find((e) => e.type === 'tool_result' && e.output.includes('hi-from-shell'))).toBeDefined();
    const main = server.requests.filter((r) => r.kind === 'main');
    expect(main.map((r) => r.step)).toEqual([0, 1, 2]);
    expect(main[0]?.path).toBe('/v1/chat/completions');
    expect(main[0]?.headers.authorization).toBe('<present>');
    expect(main[0]?.headers['x-session-id']).toBe(outcome.sessionId);
    // The title request: same endpoint, no tools, first turn only.
    expect(server.requests.filter((r) => r.kind === 'side')).toHaveLength(1);
    firstSession = outcome.sessionId ?? '';
  });

  it('resumes the same session, which resends the history', async () => {
    const before = server.requests.length;
    const { outcome, stderr } = await run('resume', repo, { prompt: 'Once more.', resumeSessionId: firstSession });
    expect(outcome.error, stderr.join('\n')).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, sessionId: firstSession, resultText: 'Resumed.' });
    expect(readFileSync(join(repo, 'resumed.txt'), 'utf8')).toBe('again\n');
    const after = server.requests.slice(before);
    expect(after.filter((r) => r.kind === 'side')).toEqual([]);
    expect(JSON.stringify(after[0]?.body)).toContain('Write the file, then run the command.');
  });

  it('an HTTP 500 ends as ok:false with the API error (retries cut short by retry-after-ms)', async () => {
    const before = server.requests.length;
    const started = Date.now();
    const { outcome } = await run('api-error-500', makeRepo('r500'), { prompt: 'FAIL please' });
    expect(outcome.ok).toBe(false);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toBe('OpenCode reported an error (error, exit code 1): APIError: scripted failure');
    // Without retry-after-ms the five retries back off for about 71 s.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(server.requests.slice(before).filter((r) => r.kind === 'main')).toHaveLength(6);
  }, 120_000);

  it('the default epic scenario writes the deliverables at absolute paths and runs its verify command', async () => {
    const dir = makeRepo('repic');
    const before = server.requests.length;
    const { outcome, events, stderr } = await run('epic', dir, { prompt: 'Deliverables: `src/epic.ts` `notes/epic.md`' });
    expect(outcome.error, stderr.join('\n')).toBeUndefined();
    expect(outcome.resultText).toContain('Wrote 2 file(s): src/epic.ts, notes/epic.md');
    expect(readFileSync(join(dir, 'src/epic.ts'), 'utf8')).toContain('export const epic = "src/epic.ts";');
    expect(existsSync(join(dir, 'notes/epic.md'))).toBe(true);
    const writes = events.filter((e) => e.type === 'tool_call' && e.name === 'write');
    expect(JSON.stringify(writes)).toContain(join(dir, 'src/epic.ts'));
    expect(server.requests.slice(before).filter((r) => r.kind === 'main').map((r) => r.scenario)).toEqual(['epic', 'epic', 'epic']);
  });

  it('an unknown session id fails (exit 1) without a result event', async () => {
    const { outcome } = await run('bad-resume', repo, { prompt: 'continue', resumeSessionId: 'ses_doesnotexist0000000000000' });
    expect(outcome.ok).toBe(false);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toContain('Session not found');
  });

  it('cancel ends opencode and its group', async () => {
    const ac = new AbortController();
    const handle = createOpenCodeBackend(opts).start({
      runId: 'cancel', cwd: makeRepo('rcancel'), env: env(), model: MODEL, prompt: 'SLOW', signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'session') setTimeout(() => ac.abort(), 1000);
      },
    });
    const outcome = await handle.result;
    expect(outcome).toMatchObject({ ok: false, canceled: true });
    expect(isAlive(handle.pid)).toBe(false);
  });
});
