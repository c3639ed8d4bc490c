import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyUsage, parseClaudeLine, parseCodexLine, parseGeminiLine, parseGooseLine, parseOpenCodeLine, type AgentEvent, type AgentOutcome } from '../agents/index.js';
import { classifyFailure } from './classify.js';

const PARSERS = { claude: parseClaudeLine, codex: parseCodexLine, gemini: parseGeminiLine, opencode: parseOpenCodeLine, goose: parseGooseLine };
type Backend = keyof typeof PARSERS;

const lines = (backend: Backend, name: string): string[] =>
  readFileSync(fileURLToPath(new URL(`../agents/${backend}/fixtures/${name}.jsonl`, import.meta.url)), 'utf8').split('\n').filter((l) => l.trim() !== '');

const base = (): AgentOutcome => ({ ok: false, usage: emptyUsage(), resultText: '', exitCode: 1, signal: null, durationMs: 10, canceled: false });

/** The outcome the backends build from a transcript (see outcomeOf in claude/backend.ts and codex/runner.ts). */
const replay = (backend: Backend, name: string): { outcome: AgentOutcome; events: AgentEvent[] } => {
  const raw = lines(backend, name);
  const events = raw.flatMap(PARSERS[backend]);
  const result = events.findLast((e): e is Extract<AgentEvent, { type: 'result' }> => e.type === 'result');
  const errors = events.flatMap((e) => (e.type === 'error' ? [e.message] : []));
  if (!result) {
    const tail = raw.slice(-20);
    return { events, outcome: { ...base(), error: `Command failed with exit code 1 without a result event: ${backend} run\nLast ${tail.length} lines of output:\n${tail.join('\n')}` } };
  }
  if (!result.ok) {
    const detail = result.text || result.errors?.join('; ') || errors.at(-1) || 'no message';
    return { events, outcome: { ...base(), resultText: result.text, error: `${backend} reported an error (${result.subtype ?? 'unknown'}, exit code 1): ${detail}` } };
  }
  return { events, outcome: { ...base(), ok: true, exitCode: 0, resultText: result.text } };
};

const classify = (backend: Backend, name: string) => {
  const { outcome, events } = replay(backend, name);
  return classifyFailure(outcome, events);
};

describe('classifyFailure on captured transcripts', () => {
  it.each([
    ['claude', 'api-error-500', /server error \(500\)/],
    ['codex', 'api-error-500', /overloaded/],
    ['codex', 'real-api-error-500', /overloaded/],
    ['gemini', 'api-error-500', /server error \(500\)/],
    ['opencode', 'api-error-500', /server error \(500\)/],
  ] as const)('%s %s is transient', (backend, name, reason) => {
    const c = classify(backend, name);
    expect(c.kind).toBe('transient');
    expect(c.reason).toMatch(reason);
  });

  it.each([
    ['claude', 'max-turns', /max turns/],
    ['claude', 'bad-resume', /bad resume: .*No conversation found/],
    ['opencode', 'done-rejected', /tool permission refused/],
    ['goose', 'error', /tool permission refused: .*Tool approval required/],
  ] as const)('%s %s is permanent', (backend, name, reason) => {
    const c = classify(backend, name);
    expect(c.kind).toBe('permanent');
    expect(c.reason).toMatch(reason);
  });

  it('a successful run is nothing to retry, even after an API retry on the way', () => {
    for (const [backend, name] of [['claude', 'api-retry'], ['claude', 'success-tools'], ['codex', 'warning-item'], ['gemini', 'tool-not-registered']] as const) {
      const { outcome, events } = replay(backend, name);
      expect(outcome.ok).toBe(true);
      expect(classifyFailure(outcome, events).kind).toBe('permanent');
    }
  });

  it('an exit without a result after the CLI retried an overload is transient; the retry event says why', () => {
    const events = lines('claude', 'api-retry').slice(0, 2).flatMap(parseClaudeLine);
    const c = classifyFailure({ ...base(), error: 'Command was killed by SIGTERM without a result event: claude -p' }, events);
    expect(c).toMatchObject({ kind: 'transient', reason: expect.stringMatching(/overloaded \(529\)/) });
  });

  it('an exit without a result for no network reason is permanent, whatever the transcript held before', () => {
    for (const [backend, name] of [['claude', 'success-tools'], ['codex', 'success-tools'], ['gemini', 'success-tools'], ['opencode', 'success-tools'], ['goose', 'success-tools']] as const) {
      const raw = lines(backend, name);
      const events = raw.slice(0, -1).flatMap(PARSERS[backend]).filter((e) => e.type !== 'result');
      const tail = raw.slice(-20, -1).join('\n');
      const c = classifyFailure({ ...base(), error: `Command failed with exit code 1 without a result event: ${backend}\nLast lines of output:\n${tail}` }, events);
      expect(c.kind, `${backend}/${name}: ${c.reason}`).toBe('permanent');
      expect(c.reason).toMatch(/^exited without a result/);
    }
  });
});

describe('classifyFailure on messages the CLIs print', () => {
  const failed = (error: string, recent: AgentEvent[] = []) => classifyFailure({ ...base(), error }, recent, { now: () => 1_700_000_000_000 });

  it.each([
    ['API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}', /rate limited/],
    ['API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', /overloaded \(529\)/],
    ['API Error: 503 Service Unavailable', /server error \(503\)/],
    ['Command timed out: claude -p hello', /timed out/],
    ['API Error: Request timed out.', /timed out/],
    ['API Error (Connection error.): connect ECONNREFUSED 127.0.0.1:443', /connection failed/],
    ['read ECONNRESET', /connection failed/],
    ['Unable to connect to API due to poor internet connection. Retrying...', /connection failed/],
    ['stream disconnected before completion: error sending request', /connection failed/],
    ['exceeded retry limit, last status: 429 Too Many Requests', /rate limited/],
  ])('transient: %s', (error, reason) => {
    const c = failed(error);
    expect(c.kind).toBe('transient');
    expect(c.reason).toMatch(reason);
  });

  it.each([
    ['API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}', /authentication failed/],
    ['Invalid API key · Please run /login', /authentication failed/],
    ['Not logged in · Please run /login', /authentication failed/],
    ['API Error: 403 {"error":{"type":"permission_error"}}', /not permitted/],
    ['Error: No conversation found with session ID: 123', /bad resume/],
    ["error: unknown option '--frobnicate'", /usage/],
    ['Reached max turns (5)', /max turns/],
    ['Credit balance is too low', /billing/],
    ['429 insufficient_quota: You exceeded your current quota', /billing/],
    ['API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long"}}', /prompt too long/],
    ['Command was killed by SIGKILL without a result event: claude -p', /exited without a result/],
  ])('permanent: %s', (error, reason) => {
    const c = failed(error);
    expect(c.kind).toBe('permanent');
    expect(c.reason).toMatch(reason);
  });

  it('a cancel is never retried', () => {
    expect(classifyFailure({ ...base(), canceled: true, error: 'Command was canceled: claude' }, []).kind).toBe('permanent');
  });

  it('reads a retry-after from the message, and the reset time of a usage limit', () => {
    expect(failed('429 Too Many Requests: Please try again in 20s.').retryAfterMs).toBe(20_000);
    expect(failed('rate_limit_error; retry-after: 7').retryAfterMs).toBe(7000);
    expect(failed('Rate limit reached. Please try again in 1.5 minutes').retryAfterMs).toBe(90_000);
    expect(failed('Claude AI usage limit reached|1700003600')).toMatchObject({ kind: 'transient', retryAfterMs: 3_600_000 });
    expect(failed('API Error: 500 try again in a moment').retryAfterMs).toBeUndefined();
  });

  it('the final error decides before older events; older events decide when it says nothing', () => {
    const retry: AgentEvent = { type: 'retry', attempt: 1, status: 529, message: 'overloaded' };
    expect(failed('Claude Code reported an error (error_max_turns, exit code 1): no message', [retry]).kind).toBe('permanent');
    expect(failed('Command failed with exit code 1 without a result event: claude', [retry]).kind).toBe('transient');
    expect(failed('Command failed with exit code 1 without a result event: claude', [{ type: 'error', message: 'API Error: 502 Bad Gateway' }]).reason).toMatch(/502/);
  });

  it('ignores tool output: a project test printing "ECONNREFUSED" is not the API failing', () => {
    const events: AgentEvent[] = [
      { type: 'tool_call', id: 't', name: 'Bash', input: { command: 'npm test' } },
      { type: 'tool_result', id: 't', isError: true, output: 'Error: connect ECONNREFUSED 127.0.0.1:5432' },
    ];
    expect(failed('Command was killed by SIGSEGV without a result event: claude', events).kind).toBe('permanent');
  });
});
