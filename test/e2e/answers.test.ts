import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookPayload } from '../../src/api/index.js';
import { sandbox, until, type Sandbox } from '../harness.js';
import { startModel } from './model.js';
import { startReceiver, type Receiver } from '../notify-receiver.js';

const write = (path: string, content: string) => ({ name: 'Write', input: { file_path: `{{cwd}}/${path}`, content } });
const scenarios = {
  ask: [{ text: 'I need a decision.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Which currency should prices use?' } }] }, { text: 'Waiting for the answer.' }],
  answered: [{ text: 'Using the answer.', tools: [write('currency.txt', 'EUR\n')] }, { text: 'Done: wrote currency.txt' }],
  asklang: [{ text: 'I need a decision.', tools: [{ name: 'mcp__orch__orch_ask', input: { question: 'Which language should the docs use?' } }] }, { text: 'Waiting for the answer.' }],
  answeredlang: [{ text: 'Using the answer.', tools: [write('lang.txt', 'en\n')] }, { text: 'Done: wrote lang.txt' }],
};

const TOKEN = '777:e2e-bot';

type Shown = { task: { status: string }; runs: Array<{ state: string; sessionId: string | null; attempt: number }> };

describe('questions notified, then answered by an answer file and by a Telegram reply (real Claude Code)', () => {
  let sb: Sandbox;
  let model: { url: string; close: () => void };
  let hook: Receiver;
  let bot: Receiver;
  /** What the Bot API hands out to getUpdates. */
  const updates: Array<{ update_id: number; message: unknown }> = [];
  beforeAll(async () => {
    hook = await startReceiver(() => ({ status: 204 }));
    let nextMessage = 100;
    // A Bot API: numbers what it is sent, serves `updates` from the offset on.
    bot = await startReceiver((r) => {
      const body = JSON.parse(r.body || '{}') as { offset?: number; text?: string };
      if (r.path === `/bot${TOKEN}/sendMessage`) return { status: 200, body: JSON.stringify({ ok: true, result: { message_id: nextMessage++, chat: { id: 42 }, text: body.text } }) };
      if (r.path === `/bot${TOKEN}/getUpdates`) return { status: 200, body: JSON.stringify({ ok: true, result: updates.filter((u) => u.update_id >= (body.offset ?? 0)) }) };
      return { status: 404, body: JSON.stringify({ ok: false, description: 'Not Found' }) };
    });
    sb = sandbox(
      {
        '.orch/config.toml': '[agent]\nanswer_wait_seconds = 0\n',
        'docs/plans/a-module/epic-01-ask.md': '# Ask\n\nDo it. [[scenario:ask]]\n',
        'docs/plans/b-module/epic-01-lang.md': '# Lang\n\nDo it. [[scenario:asklang]]\n',
      },
      { realClaude: true, env: { ORCH_TELEGRAM_TOKEN: TOKEN } },
    );
    model = await startModel({ scenarios, dir: sb.base });
    // The sandbox binds the CLI's config dir only when it exists: sessions written elsewhere would be lost.
    mkdirSync(join(sb.base, 'claude'), { recursive: true });
    Object.assign(sb.env, { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-simulated', CLAUDE_CONFIG_DIR: join(sb.base, 'claude'), CLAUDE_CODE_MAX_RETRIES: '0' });
    appendFileSync(
      join(sb.base, 'config', 'orch', 'config.toml'),
      `\n[notify.webhook]\nurl = "${hook.url}/hook"\nevents = ["question.waiting"]\n\n[notify.telegram]\nchat_id = 42\napi_url = "${bot.url}"\nevents = ["question.waiting"]\n`,
    );
  });
  afterAll(async () => {
    sb?.cleanup();
    model?.close();
    await hook?.close();
    await bot?.close();
  });

  const show = async (task: string): Promise<Shown> => {
    const r = await sb.orchAsync('show', task, '--json');
    try {
      return JSON.parse(r.stdout) as Shown;
    } catch {
      throw new Error(`orch show printed no JSON (exit ${r.status}): ${r.stdout}${r.stderr}`);
    }
  };
  const merged = (task: string) =>
    until(async () => (await show(task)).task.status === 'complete', `${task} to merge`, 60_000).catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${JSON.stringify(await show(task))}\n${(await sb.orchAsync('logs', task)).stdout.slice(-2000)}`);
    });

  it('both questions reach the webhook and Telegram; the file and the reply resume the same sessions and the work merges', async () => {
    const started = await sb.orchAsync('start', 'a/E01', 'b/E01');
    expect(started.status, started.stdout + started.stderr).toBe(0);
    await hook.waitFor(2, 90_000);
    const asked = hook.received.map((r) => WebhookPayload.parse(JSON.parse(r.body)));
    const byTask = new Map(asked.map((b) => [b.taskId, b]));
    const fileQ = byTask.get('a/E01');
    const chatQ = byTask.get('b/E01');
    expect(fileQ).toMatchObject({ kind: 'question.waiting', title: 'a/E01 asks: Which currency should prices use?' });
    expect(chatQ).toMatchObject({ kind: 'question.waiting', title: 'b/E01 asks: Which language should the docs use?' });
    const fileId = (fileQ?.event?.data as { signal: { id: string } }).signal.id;
    expect(fileQ?.text).toContain(`or write .orch/answers/${fileId}.md`);
    const sessions = { a: '', b: '' };
    for (const [task, key] of [['a/E01', 'a'], ['b/E01', 'b']] as const) {
      const run = await until(async () => {
        const r = (await show(task)).runs[0];
        return r?.state === 'waiting' ? r : undefined;
      }, `${task} to wait for its answer`, 60_000);
      sessions[key] = run.sessionId ?? '';
    }

    mkdirSync(join(sb.repo, '.orch', 'answers'), { recursive: true });
    writeFileSync(join(sb.repo, '.orch', 'answers', `${fileId}.md`), 'EUR [[scenario:answered]]\n');

    const sent = await until(() => bot.received.find((r) => r.path.endsWith('/sendMessage') && r.body.includes('Which language')), 'the question on Telegram', 20_000);
    const messageId = 100 + bot.received.filter((r) => r.path.endsWith('/sendMessage')).indexOf(sent);
    updates.push({ update_id: 5000, message: { message_id: 900, chat: { id: 42 }, from: { id: 7, username: 'alice' }, text: 'English [[scenario:answeredlang]]', reply_to_message: { message_id: messageId } } });

    await merged('a/E01');
    await merged('b/E01');
    for (const [task, key] of [['a/E01', 'a'], ['b/E01', 'b']] as const) {
      const done = (await show(task)).runs[0];
      expect(done?.sessionId).toBe(sessions[key]);
      expect(done?.attempt).toBe(2);
    }
    expect(sb.git('show', 'main:currency.txt')).toBe('EUR\n');
    expect(sb.git('show', 'main:lang.txt')).toBe('en\n');
    expect(JSON.parse((await sb.orchAsync('questions', '--json')).stdout)).toEqual([]);
    // The reply was confirmed in the chat.
    await until(() => bot.received.some((r) => r.path.endsWith('/sendMessage') && r.body.includes('"reply_to_message_id":900')), 'the confirmation', 10_000);
  }, 180_000);
});
