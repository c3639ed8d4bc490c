import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputItems, startResponsesServer, userTexts, type Reply, type ResponsesServer } from '../../src/agents/codex/testing/responses-server.js';
import { sandbox, until, type Sandbox } from '../harness.js';
import { expectPushRefusedAndMerged, showTask } from './runs.js';

/**
 * The scripted model. The scenario is a `[[codex:NAME]]` marker in the latest prompt (the epic, an answer or
 * guidance); the step follows from the last input item, since codex resends the whole history every time.
 * Codex offers MCP tools only through `tool_search`, so calling an Orch tool takes a search first.
 */
const createScript = () => {
  let limited = 0;
  const orch = (tool: string, args: Record<string, unknown>, last: Record<string, unknown> | undefined, then: Reply): Reply => {
    if (last?.type === 'message') return { kind: 'tool_search', query: `orch ${tool}` };
    if (last?.type === 'tool_search_output') return { kind: 'tool', namespace: 'mcp__orch', name: tool, args };
    return then;
  };
  const writeThenDone = (last: Record<string, unknown> | undefined, cmd: string, done: string): Reply =>
    last?.type === 'function_call_output' ? { kind: 'text', text: done } : { kind: 'command', cmd };
  return (body: unknown): Reply => {
    // The latest marker wins: a retry resumes the thread with a prompt of Orch's own, which has none.
    const marked = userTexts(body).map((t) => /\[\[codex:(\w+)\]\]/.exec(t)?.[1]).filter((m) => m !== undefined);
    const scenario = marked.at(-1) ?? 'hello';
    const last = inputItems(body).at(-1);
    switch (scenario) {
      case 'ask':
        return orch('orch_ask', { question: 'Which currency should prices use?' }, last, { kind: 'text', text: 'Waiting for the answer.' });
      case 'answered':
        return writeThenDone(last, "printf 'EUR\\n' > currency.txt", 'Done: wrote currency.txt');
      case 'stuck':
        return orch('orch_stuck', { reason: 'the API key for the payment sandbox is missing' }, last, { kind: 'text', text: 'Stopping.' });
      case 'guided':
        return writeThenDone(last, "printf 'mocked\\n' > payments.txt", 'Done: wrote payments.txt');
      case 'limited':
        if (limited++ === 0) return { kind: 'http_error', status: 429, message: 'Rate limit reached for requests', retryAfter: 1 };
        return writeThenDone(last, "printf 'ok\\n' > limited.txt", 'Done: wrote limited.txt');
      case 'push': {
        const outputs = inputItems(body).filter((i) => i.type === 'function_call_output').length;
        if (outputs === 0) return { kind: 'command', cmd: 'git push origin HEAD' };
        if (outputs === 1) return { kind: 'command', cmd: "printf 'x\\n' > pushed.txt" };
        return { kind: 'text', text: 'Done.' };
      }
      default:
        return writeThenDone(last, "printf 'hello from codex\\n' > codex.txt", 'Done: wrote codex.txt');
    }
  };
};

describe('orch with the real Codex CLI against a scripted Responses API server', () => {
  let sb: Sandbox;
  let server: ResponsesServer;
  const epic = (title: string, marker: string) => `# ${title}\n\nDo it. [[codex:${marker}]]\n`;
  beforeAll(async () => {
    server = await startResponsesServer(createScript());
    const provider = `model_providers.fake={name="Fake",base_url="${server.url}",wire_api="responses",env_key="FAKE_API_KEY"}`;
    const toml = [
      '[agent]',
      'backend = "codex"',
      'model = "gpt-5.5"',
      'answer_wait_seconds = 1',
      'max_retries = 2',
      `args = ${JSON.stringify(['-c', 'model_provider=fake', '-c', provider, '-c', 'model_providers.fake.request_max_retries=0', '-c', 'model_providers.fake.stream_max_retries=0'])}`,
      'pass_env = ["FAKE_API_KEY", "CODEX_HOME"]',
      '',
    ].join('\n');
    sb = sandbox({
      '.orch/config.toml': toml,
      'docs/plans/core-module/epic-01-hello.md': '# Hello\n\nWrite codex.txt saying hello.\n',
      'docs/plans/a-module/epic-01-ask.md': epic('Ask', 'ask'),
      'docs/plans/b-module/epic-01-stuck.md': epic('Stuck', 'stuck'),
      'docs/plans/c-module/epic-01-limited.md': epic('Limited', 'limited'),
      'docs/plans/d-module/epic-01-push.md': epic('Push', 'push'),
    }, { realClaude: true });
    Object.assign(sb.env, { FAKE_API_KEY: 'sk-test', CODEX_HOME: join(sb.base, 'codex-home') });
    mkdirSync(join(sb.base, 'codex-home'), { recursive: true });
    sb.git('init', '-q', '--bare', join(sb.base, 'origin.git'));
    sb.git('remote', 'add', 'origin', join(sb.base, 'origin.git'));
    sb.git('push', '-q', 'origin', 'main');
  });
  afterAll(async () => {
    sb?.cleanup();
    await server?.close();
  });

  const show = (task: string) => showTask(sb, task);
  const waiting = (task: string, what: string) =>
    until(async () => {
      const r = (await show(task)).runs[0];
      return r?.state === 'waiting' ? r : undefined;
    }, what, 60_000);

  it('takes a task from ready to merged, recording the thread id and tokens', async () => {
    const r = await sb.orchAsync('start', 'core/E01', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(sb.git('show', 'main:codex.txt')).toBe('hello from codex\n');
    const run = (await show('core/E01')).runs[0];
    expect(run?.backend).toBe('codex');
    expect(run?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run?.usage.inputTokens).toBeGreaterThan(0);
  });

  it('orch_ask through MCP waits for a human; the answer resumes the same thread and the work merges', async () => {
    expect((await sb.orchAsync('start', 'a/E01')).status).toBe(0);
    const asked = await waiting('a/E01', 'the codex run to wait for an answer');
    expect(asked.waitingReason).toContain('Which currency should prices use?');
    const qs = JSON.parse((await sb.orchAsync('questions', '--json')).stdout) as Array<{ id: string; taskId: string; text: string }>;
    expect(qs).toEqual([expect.objectContaining({ taskId: 'a/E01', text: 'Which currency should prices use?' })]);
    const a = await sb.orchAsync('answer', qs[0]!.id, 'EUR', '[[codex:answered]]');
    expect(a.status, a.stderr).toBe(0);
    await until(async () => (await show('a/E01')).task.status === 'complete', 'the answered run to merge', 60_000);
    const done = (await show('a/E01')).runs[0]!;
    expect(done.sessionId).toBe(asked.sessionId);
    expect(done.attempt).toBe(2);
    expect(sb.git('show', 'main:currency.txt')).toBe('EUR\n');
    // The resumed request carried the first turn: codex resent the thread's history.
    const resumed = server.requests.filter((q) => userTexts(q.body).some((t) => t.includes('[[codex:answered]]')));
    expect(resumed.length).toBeGreaterThan(0);
    expect(JSON.stringify(resumed[0]?.body)).toContain('orch_ask');
  });

  it('orch_stuck through MCP parks the run; orch resume with guidance continues the thread to merged', async () => {
    expect((await sb.orchAsync('start', 'b/E01')).status).toBe(0);
    const stuck = await waiting('b/E01', 'the codex run to be stuck');
    expect(stuck.waitingReason).toMatch(/^stuck: the API key for the payment sandbox is missing/);
    const r = await sb.orchAsync('resume', 'b/E01', '--guidance', 'Mock the payment sandbox. [[codex:guided]]');
    expect(r.status, r.stderr).toBe(0);
    await until(async () => (await show('b/E01')).task.status === 'complete', 'the guided run to merge', 60_000);
    expect((await show('b/E01')).runs[0]!.sessionId).toBe(stuck.sessionId);
    expect(sb.git('show', 'main:payments.txt')).toBe('mocked\n');
  });

  it('a 429 with retry-after is retried by Orch and the run still merges', async () => {
    const r = await sb.orchAsync('start', 'c/E01', '--wait');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const logs = (await sb.orchAsync('logs', 'c/E01')).stdout;
    expect(logs).toMatch(/transient failure, retrying in \d+ s/);
    expect(sb.git('show', 'main:limited.txt')).toBe('ok\n');
    expect(server.requests.filter((q) => userTexts(q.body).some((t) => t.includes('[[codex:limited]]'))).length).toBeGreaterThanOrEqual(3);
  });

  it('a git push is refused by the push guard, never reaches the remote, and the work merges locally', async () => {
    await expectPushRefusedAndMerged(sb, 'd/E01', /remote-orch-push-denied/, 'pushed.txt', 'x\n');
  });
});
