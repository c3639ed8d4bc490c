import { afterEach, describe, expect, it } from 'vitest';
import { openAIChatConversation, startOpenAIChatServer } from './openai-chat.js';
import type { ModelServer, ModelServerOptions } from './types.js';

let server: ModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (opts: ModelServerOptions = {}): Promise<ModelServer> => {
  server = await startOpenAIChatServer(opts);
  return server;
};

const post = (s: ModelServer, body: unknown): Promise<Response> =>
  fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk' }, body: JSON.stringify(body) });

type Chunk = { choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: Record<string, number> };

const chunks = async (res: Response): Promise<{ chunks: Chunk[]; done: boolean }> => {
  const data = (await res.text()).split('\n\n').filter((f) => f.trim() !== '').map((f) => f.replace(/^data: /, ''));
  return { chunks: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Chunk), done: data.at(-1) === '[DONE]' };
};

const TOOLS = [{ type: 'function', function: { name: 'write' } }, { type: 'function', function: { name: 'bash' } }];
const SYSTEM = { role: 'system', content: 'You are opencode.\nWorking directory: /work/tree\n' };
const SCRIPT = [
  { text: 'Writing.', tools: [{ name: 'Write', input: { file_path: '{{cwd}}/a.txt', content: 'x' } }] },
  { tools: [{ name: 'Bash', input: { command: 'ls', description: 'list' } }] },
  { text: 'Done.' },
];

describe('openAIChatConversation', () => {
  it('maps system, user, assistant tool calls and tool messages to the Anthropic shape under Claude names', () => {
    const body = openAIChatConversation({
      tools: TOOLS,
      messages: [
        SYSTEM,
        { role: 'user', content: [{ type: 'text', text: 'do it' }] },
        { role: 'assistant', content: 'Writing.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'write', arguments: '{"filePath":"a.txt","content":"x"}' } }, { id: 'c2', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'Wrote file successfully.' },
        { role: 'tool', tool_call_id: 'c2', content: 'a.txt' },
      ],
    });
    expect(body.system).toContain('Working directory: /work/tree');
    expect(body.tools).toEqual([{ name: 'write' }, { name: 'bash' }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'do it' }] },
      { role: 'assistant', content: [
        { type: 'text', text: 'Writing.' },
        { type: 'tool_use', id: 'c1', name: 'Write', input: { file_path: 'a.txt', content: 'x' } },
        { type: 'tool_use', id: 'c2', name: 'Bash', input: { command: 'ls' } },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'c1', is_error: false, content: 'Wrote file successfully.' },
        { type: 'tool_result', tool_use_id: 'c2', is_error: false, content: 'a.txt' },
      ] },
    ]);
  });
});

describe('startOpenAIChatServer', () => {
  it('streams content, a tool call as name then arguments, finish tool_calls, a usage chunk and [DONE]', async () => {
    const s = await start({ scenario: SCRIPT });
    const { chunks: got, done } = await chunks(await post(s, { model: 'm', stream: true, tools: TOOLS, messages: [SYSTEM, { role: 'user', content: 'go' }] }));
    expect(done).toBe(true);
    const deltas = got.flatMap((c) => c.choices.map((ch) => ch.delta));
    expect(deltas.map((d) => d.content).join('')).toBe('Writing.');
    const calls = deltas.flatMap((d) => (Array.isArray(d.tool_calls) ? (d.tool_calls as Array<{ id?: string; function: { name?: string; arguments: string } }>) : []));
    expect(calls[0]).toMatchObject({ id: expect.stringMatching(/^call_/), function: { name: 'write', arguments: '' } });
    expect(JSON.parse(calls.map((c) => c.function.arguments).join(''))).toEqual({ filePath: '/work/tree/a.txt', content: 'x' });
    expect(got.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null)).toEqual(['tool_calls']);
    expect(got.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
    expect(s.requests[0]).toMatchObject({ kind: 'main', step: 0, scenario: 'fixed', headers: { authorization: '<present>' } });
  });

  it('plays the next step after the tool messages; the last step finishes with stop', async () => {
    const s = await start({ scenario: SCRIPT });
    const call = (id: string, name: string) => ({ id, type: 'function', function: { name, arguments: '{}' } });
    const { chunks: got } = await chunks(await post(s, {
      stream: true, tools: TOOLS,
      messages: [
        SYSTEM, { role: 'user', content: 'go' },
        { role: 'assistant', content: 'Writing.', tool_calls: [call('c1', 'write')] }, { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        { role: 'assistant', content: null, tool_calls: [call('c2', 'bash')] }, { role: 'tool', tool_call_id: 'c2', content: 'a.txt' },
      ],
    }));
    expect(got.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('')).toBe('Done.');
    expect(got.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null)).toEqual(['stop']);
    expect(s.requests[0]?.step).toBe(2);
  });

  it('the title request (no tools) gets a short title and consumes no step; non-streaming works', async () => {
    const s = await start({ scenario: SCRIPT });
    const title = { model: 'm', messages: [{ role: 'system', content: 'You are a title generator. You output ONLY a thread title.' }, { role: 'user', content: 'Generate a title for this conversation:\n' }, { role: 'user', content: 'go' }] };
    const { chunks: got } = await chunks(await post(s, { ...title, stream: true }));
    expect(got.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('')).toBe('Simulated session');
    const plain = (await (await post(s, { tools: TOOLS, messages: [SYSTEM, { role: 'user', content: 'go' }] })).json()) as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }> };
    expect(plain.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: 'Writing.', tool_calls: [{ function: { name: 'write' } }] } });
    expect(s.requests.map((r) => [r.kind, r.step])).toEqual([['side', undefined], ['main', 0]]);
  });

  it('a scripted HTTP error has an OpenAI error body and retry-after-ms', async () => {
    const s = await start({ scenario: [{ httpError: { status: 500, message: 'scripted failure', retryAfter: 0.01 } }] });
    const res = await post(s, { stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'go' }] });
    expect(res.status).toBe(500);
    expect(res.headers.get('retry-after-ms')).toBe('10');
    expect(await res.json()).toEqual({ error: { message: 'scripted failure', type: 'server_error', code: null } });
  });

  it('unknown routes are 404; GET /v1/models lists a model', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/v1/responses`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${s.url}/v1/models`)).status).toBe(200);
  });
});
