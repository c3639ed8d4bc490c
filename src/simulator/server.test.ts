import { afterEach, describe, expect, it } from 'vitest';
import { readScenarioFile } from './schema.js';
import { startModelServer } from './server.js';
import type { ModelServer, ModelServerOptions } from './types.js';

const TOOLS = [{ name: 'Write' }, { name: 'Bash' }];
let server: ModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (opts: ModelServerOptions = {}): Promise<ModelServer> => {
  server = await startModelServer(opts);
  return server;
};

const post = (s: ModelServer, body: unknown, path = '/v1/messages?beta=true'): Promise<Response> =>
  fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test' }, body: JSON.stringify(body) });

const sse = async (res: Response): Promise<Array<{ event: string; data: Record<string, unknown> }>> =>
  (await res.text())
    .split('\n\n')
    .filter((f) => f.trim() !== '')
    .map((f) => {
      const [ev = '', data = ''] = f.split('\n');
      return { event: ev.replace('event: ', ''), data: JSON.parse(data.replace('data: ', '')) as Record<string, unknown> };
    });

const user = (text: string) => ({ role: 'user', content: [{ type: 'text', text: `<system-reminder>ctx</system-reminder>` }, { type: 'text', text }] });

describe('startModelServer', () => {
  it('answers the probe, unknown paths and count_tokens', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${s.url}/v2/nothing`)).status).toBe(404);
    const count = await post(s, { messages: [user('hello')] }, '/v1/messages/count_tokens');
    expect(((await count.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
    expect(s.requests.map((r) => r.kind)).toEqual(['probe', 'unknown', 'count_tokens']);
  });

  it('streams the exact frame sequence with text and tool_use blocks', async () => {
    const s = await start({ scenario: [{ text: 'Writing.', tools: [{ name: 'Write', input: { file_path: '{{cwd}}/a.txt', content: 'x'.repeat(600) } }] }, { text: 'done' }] });
    const res = await post(s, { model: 'm-1', stream: true, tools: TOOLS, system: [{ type: 'text', text: ' - Primary working directory: /work/tree\n' }], messages: [user('go')] });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const frames = await sse(res);
    const kinds = frames.map((f) => f.event);
    expect(kinds[0]).toBe('message_start');
    expect(kinds.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(kinds.filter((k) => k === 'content_block_start')).toHaveLength(2);
    const json = frames.filter((f) => (f.data.delta as { type?: string } | undefined)?.type === 'input_json_delta').map((f) => (f.data.delta as { partial_json: string }).partial_json);
    expect(json.length).toBeGreaterThan(1);
    expect(JSON.parse(json.join(''))).toEqual({ file_path: '/work/tree/a.txt', content: 'x'.repeat(600) });
    const start0 = frames[0]?.data.message as { model: string; usage: { input_tokens: number } };
    expect(start0.model).toBe('m-1');
    expect(start0.usage.input_tokens).toBeGreaterThan(0);
    const delta = frames.at(-2)?.data as { delta: { stop_reason: string }; usage: { output_tokens: number } };
    expect(delta.delta.stop_reason).toBe('tool_use');
    expect(delta.usage.output_tokens).toBeGreaterThan(100);
    expect(s.requests[0]).toMatchObject({ kind: 'main', scenario: 'fixed', step: 0, status: 200, query: 'beta=true' });
    expect(s.requests[0]?.headers['x-api-key']).toBe('<present>');
  });

  it('picks the step from the assistant turns since the current prompt', async () => {
    const s = await start({ scenario: [{ text: 'one', tools: [{ name: 'Bash', input: { command: 'ls' } }] }, { text: 'two' }] });
    const history = [
      user('go'),
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
    ];
    const msg = (await (await post(s, { tools: TOOLS, messages: history })).json()) as { content: Array<{ text?: string }>; stop_reason: string };
    expect(msg.content[0]?.text).toBe('two');
    expect(msg.stop_reason).toBe('end_turn');
    const past = (await (await post(s, { tools: TOOLS, messages: [...history, { role: 'assistant', content: 'two' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: '' }] }] })).json()) as { content: Array<{ text?: string }> };
    expect(past.content[0]?.text).toContain('no more steps');
    const followUp = (await (await post(s, { tools: TOOLS, messages: [...history, { role: 'assistant', content: 'two' }, user('again')] })).json()) as { content: Array<{ text?: string }> };
    expect(followUp.content[0]?.text).toBe('one');
  });

  it('answers side requests without consuming the scenario', async () => {
    const s = await start({ scenario: [{ text: 'main' }] });
    const side = (await (await post(s, { messages: [user('title please')] })).json()) as { content: Array<{ text?: string }> };
    expect(side.content[0]?.text).toBe('Simulated model reply.');
    const main = (await (await post(s, { tools: TOOLS, messages: [user('go')] })).json()) as { content: Array<{ text?: string }> };
    expect(main.content[0]?.text).toBe('main');
    expect(s.requests.map((r) => r.kind)).toEqual(['side', 'main']);
  });

  it('selects a scenario by marker, then by picker function', async () => {
    const s = await start({
      scenarios: { alpha: [{ text: 'alpha' }] },
      scenario: (ctx) => (ctx.firstUserText.includes('beta') ? [{ text: 'beta' }] : undefined),
    });
    const text = async (prompt: string): Promise<string | undefined> =>
      ((await (await post(s, { tools: TOOLS, messages: [user(prompt)] })).json()) as { content: Array<{ text?: string }> }).content[0]?.text;
    expect(await text('do [[scenario:alpha]] now')).toBe('alpha');
    expect(await text('beta task')).toBe('beta');
    expect(await text('# Epic\nDeliverables:\n- `x.md`')).toContain("I'll create 1 file(s)");
    expect(s.requests.map((r) => r.scenario)).toEqual(['alpha', 'custom', 'epic']);
  });

  it('fails with HTTP errors, a limited number of times when asked', async () => {
    const s = await start({
      scenarios: {
        flaky: [{ httpError: { status: 529, times: 2, retryAfter: 1 }, text: 'recovered' }],
        broken: [{ httpError: { status: 500, message: 'scripted failure' } }],
      },
    });
    const flaky = { tools: TOOLS, messages: [user('[[scenario:flaky]]')] };
    const first = await post(s, flaky);
    expect(first.status).toBe(529);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'simulated 529 error' } });
    expect((await post(s, flaky)).status).toBe(529);
    const third = await post(s, flaky);
    expect(third.status).toBe(200);
    const broken = { tools: TOOLS, messages: [user('[[scenario:broken]]')] };
    for (let i = 0; i < 3; i++) expect((await post(s, broken)).status).toBe(500);
  });

  it('can end a stream with an error event', async () => {
    const s = await start({ scenario: [{ text: 'x', streamError: { message: 'boom' } }] });
    const frames = await sse(await post(s, { stream: true, tools: TOOLS, messages: [user('go')] }));
    expect(frames.map((f) => f.event)).toEqual(['message_start', 'error']);
  });
});

describe('readScenarioFile', () => {
  it('accepts a step list or named scenarios and reports bad files with the path of the problem', () => {
    expect(readScenarioFile([{ text: 'hi' }], 'a.json')).toEqual({ scenario: [{ text: 'hi' }] });
    expect(readScenarioFile({ scenarios: { x: [{ httpError: { status: 529, times: 1 } }] } }, 'b.json').scenarios?.x).toHaveLength(1);
    expect(() => readScenarioFile([{ tools: [{ name: 'Bash' }] }], 'c.json')).toThrow(/c\.json[\s\S]*input/);
    expect(() => readScenarioFile({ steps: [] }, 'd.json')).toThrow(/d\.json/);
  });
});
