import { afterEach, describe, expect, it } from 'vitest';
import { geminiConversation, startGeminiServer } from './gemini.js';
import type { ModelServer, ModelServerOptions } from './types.js';

let server: ModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (opts: ModelServerOptions = {}): Promise<ModelServer> => {
  server = await startGeminiServer(opts);
  return server;
};

const post = (s: ModelServer, body: unknown, method = 'streamGenerateContent?alt=sse', model = 'gemini-2.5-flash'): Promise<Response> =>
  fetch(`${s.url}/v1beta/models/${model}:${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' }, body: JSON.stringify(body) });

type Frame = { candidates: Array<{ content: { parts: Array<Record<string, unknown>> }; finishReason?: string }>; usageMetadata?: Record<string, number> };

const frames = async (res: Response): Promise<Frame[]> =>
  (await res.text()).split('\r\n\r\n').filter((f) => f.trim() !== '').map((f) => JSON.parse(f.replace(/^data: /, '')) as Frame);

const CONTEXT = '<session_context>\nThis is the Gemini CLI.\n- **Workspace Directories:**\n  - /work/tree\n- **Directory Structure:**\n</session_context>';
const TOOLS = [{ functionDeclarations: [{ name: 'write_file' }, { name: 'run_shell_command' }] }];
const first = (prompt: string) => ({ role: 'user', parts: [{ text: CONTEXT }, { text: prompt }] });
const SCRIPT = [
  { text: 'Writing.', tools: [{ name: 'Write', input: { file_path: '{{cwd}}/a.txt', content: 'x' } }] },
  { tools: [{ name: 'Bash', input: { command: 'ls', description: 'list' } }] },
  { text: 'Done.' },
];

describe('geminiConversation', () => {
  it('reads the prompt without the session context, the cwd from it, and calls and responses under Claude names', () => {
    const body = geminiConversation({
      systemInstruction: { parts: [{ text: 'You are an agent.' }] },
      tools: TOOLS,
      contents: [
        first('do it'),
        { role: 'model', parts: [{ text: 'hmm', thought: true }, { functionCall: { id: 'c1', name: 'write_file', args: { file_path: 'a.txt', content: 'x' } } }] },
        { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'write_file', response: { error: 'denied' } } }] },
      ],
    });
    expect(body.system).toBe('You are an agent.\nWorking directory: /work/tree');
    expect(body.tools).toEqual([{ name: 'write_file' }, { name: 'run_shell_command' }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'do it' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'Write', input: { file_path: 'a.txt', content: 'x' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', is_error: true, content: 'denied' }] },
    ]);
  });
});

describe('startGeminiServer', () => {
  it('streams text then functionCall frames, finishReason and usage on the last; plays the next step after the response', async () => {
    const s = await start({ scenario: SCRIPT });
    const got = await frames(await post(s, { contents: [first('go')], tools: TOOLS }));
    expect(got.map((f) => f.candidates[0]?.content.parts)).toEqual([[{ text: 'Writing.' }], [{ functionCall: { name: 'write_file', args: { file_path: '/work/tree/a.txt', content: 'x' } } }]]);
    expect(got[0]?.candidates[0]?.finishReason).toBeUndefined();
    expect(got[0]?.usageMetadata).toBeUndefined();
    expect(got[1]?.candidates[0]?.finishReason).toBe('STOP');
    expect(got[1]?.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    expect(got[1]?.usageMetadata?.candidatesTokenCount).toBeGreaterThan(0);
    const second = await frames(await post(s, {
      tools: TOOLS,
      contents: [
        first('go'),
        { role: 'model', parts: [{ text: 'Writing.' }, { functionCall: { name: 'write_file', args: {} }, thoughtSignature: 'skip_thought_signature_validator' }] },
        { role: 'user', parts: [{ functionResponse: { id: 'w1', name: 'write_file', response: { output: 'ok' } } }] },
      ],
    }));
    expect(second.at(-1)?.candidates[0]?.content.parts).toEqual([{ functionCall: { name: 'run_shell_command', args: { command: 'ls', description: 'list' } } }]);
    expect(s.requests.map((r) => [r.kind, r.step, r.path, r.query, r.headers['x-goog-api-key']])).toEqual([
      ['main', 0, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', 'alt=sse', '<present>'],
      ['main', 1, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', 'alt=sse', '<present>'],
    ]);
  });

  it('answers generateContent in one response, with every part', async () => {
    const s = await start({ scenario: SCRIPT });
    const res = (await (await post(s, { contents: [first('go')], tools: TOOLS }, 'generateContent')).json()) as Frame;
    expect(res.candidates[0]?.content.parts).toHaveLength(2);
    expect(res.candidates[0]?.finishReason).toBe('STOP');
  });

  it('side requests: the router gets JSON matching its schema, others a short text; countTokens counts', async () => {
    const s = await start({ scenario: SCRIPT });
    const schema = { type: 'object', properties: { complexity_reasoning: { type: 'string' }, complexity_score: { type: 'integer', minimum: 1 } } };
    const routed = (await (await post(s, { contents: [first('go')], generationConfig: { responseJsonSchema: schema } }, 'generateContent', 'gemini-3.5-flash-lite')).json()) as Frame;
    expect(JSON.parse(String(routed.candidates[0]?.content.parts[0]?.text))).toEqual({ complexity_reasoning: 'simulated', complexity_score: 1 });
    const summary = (await (await post(s, { contents: [first('Summarize')] }, 'generateContent')).json()) as Frame;
    expect(summary.candidates[0]?.content.parts).toEqual([{ text: 'Simulated model reply.' }]);
    const count = (await (await post(s, { contents: [first('go')] }, 'countTokens')).json()) as { totalTokens: number };
    expect(count.totalTokens).toBeGreaterThan(0);
    expect(s.requests.map((r) => r.kind)).toEqual(['side', 'side', 'count_tokens']);
  });

  it('a scripted HTTP error is a Gemini error body; `times` lets the retry through', async () => {
    const s = await start({ scenario: [{ text: 'ok', httpError: { status: 500, message: 'scripted failure', times: 1 } }] });
    const failed = await post(s, { contents: [first('go')], tools: TOOLS });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: { code: 500, message: 'scripted failure', status: 'INTERNAL' } });
    const retried = await frames(await post(s, { contents: [first('go')], tools: TOOLS }));
    expect(retried[0]?.candidates[0]?.content.parts).toEqual([{ text: 'ok' }]);
  });

  it('unknown routes are 404 with a Gemini error body', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/v1beta/files`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe('NOT_FOUND');
  });
});
