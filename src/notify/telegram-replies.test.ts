import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeEvent, type AnyEvent, type Signal } from '../api/index.js';
import { NotifySchema } from '../config/notify-schema.js';
import { startReceiver, type Receiver } from '../../test/notify-receiver.js';
import { createNotifier } from './notifier.js';
import { createTelegramReplies } from './telegram-replies.js';
import { createStore } from '../store/index.js';

let dir: string;
let tg: Receiver | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-tg-'));
});
afterEach(async () => {
  await tg?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TOKEN = '4242:reply-token';
const question = (id: string, taskId: string): Signal => ({ id, runId: `r-${id}`, taskId, kind: 'question', text: `Question ${id}?`, audience: 'human', answer: null, answeredBy: null, createdAt: '', answeredAt: null });

/** A Bot API that numbers the messages it is sent and serves `updates` to getUpdates from `offset` on, as Telegram does. */
async function botApi(updates: unknown[]): Promise<Receiver> {
  let next = 100;
  return startReceiver((r) => {
    const body = JSON.parse(r.body || '{}') as { offset?: number; text?: string };
    if (r.path === `/bot${TOKEN}/sendMessage`) return { status: 200, body: JSON.stringify({ ok: true, result: { message_id: next++, chat: { id: 42 }, text: body.text } }) };
    if (r.path === `/bot${TOKEN}/getUpdates`) {
      const from = body.offset ?? 0;
      return { status: 200, body: JSON.stringify({ ok: true, result: updates.filter((u) => (u as { update_id: number }).update_id >= from) }) };
    }
    return { status: 404, body: JSON.stringify({ ok: false, description: 'Not Found' }) };
  });
}

describe('answers from Telegram', () => {
  it('a reply to the question message, or a message starting with its id, answers it once; other chats and unknown ids do nothing', async () => {
    const updates: unknown[] = [];
    tg = await botApi(updates);
    const open = new Map([['qa', question('qa', 'app/E01')], ['qb', question('qb', 'app/E02')]]);
    const answered: Array<[string, string, string]> = [];
    const cfg = NotifySchema.parse({ telegram: { chat_id: 42, api_url: tg.url } });
    const telegram = cfg.telegram || undefined;
    if (!telegram) throw new Error('no telegram config');
    const deps = {
      cfg: telegram,
      env: { ORCH_TELEGRAM_TOKEN: TOKEN },
      secretsFile: join(dir, 'secrets.env'),
      stateFile: join(dir, 'telegram.json'),
      open: () => [...open.values()],
      answer: (id: string, text: string, by: string) => {
        answered.push([id, text, by]);
        open.delete(id);
      },
      log: () => undefined,
    };
    const replies = createTelegramReplies(deps);
    const store = createStore(join(dir, 'orch.db'));
    const n = createNotifier({ outbox: store.outbox, config: cfg, timezone: 'UTC', env: deps.env, secretsFile: deps.secretsFile, stateFile: join(dir, 'notify.json'), project: 'shop', version: 't', log: () => undefined, sent: (_c, notice, id) => replies.sent(notice, id) });
    const ask = (q: Signal): AnyEvent => makeEvent(1, new Date().toISOString(), 'run.question', q.taskId, q.runId, { signal: q }) as AnyEvent;
    n.onEvent(ask(question('qa', 'app/E01')));
    await tg.waitFor(1);
    await n.settled();

    updates.push(
      { update_id: 7, message: { message_id: 500, chat: { id: 99 }, from: { id: 1, username: 'mallory' }, text: 'USD', reply_to_message: { message_id: 100 } } },
      { update_id: 8, message: { message_id: 501, chat: { id: 42 }, from: { id: 2, username: 'alice' }, text: ' EUR, two decimals ', reply_to_message: { message_id: 100 } } },
      { update_id: 9, message: { message_id: 502, chat: { id: 42 }, from: { id: 3, first_name: 'Bob' }, text: 'qb integer cents' } },
      { update_id: 10, message: { message_id: 503, chat: { id: 42 }, from: { id: 3, first_name: 'Bob' }, text: 'q-unknown something' } },
    );
    expect(await replies.poll()).toEqual(['qa', 'qb']);
    expect(answered).toEqual([
      ['qa', 'EUR, two decimals', 'telegram @alice'],
      ['qb', 'integer cents', 'telegram Bob'],
    ]);
    // The question, one getUpdates, then a confirmation in reply to each answer.
    await tg.waitFor(4);
    const confirmations = tg.received.filter((r) => r.path.endsWith('/sendMessage')).slice(1).map((r) => JSON.parse(r.body) as { chat_id: string; text: string; reply_to_message_id: number });
    expect(confirmations.sort((a, b) => a.reply_to_message_id - b.reply_to_message_id)).toEqual([
      { chat_id: '42', text: 'Answered qa; the agent continues.', reply_to_message_id: 501 },
      { chat_id: '42', text: 'Answered qb; the agent continues.', reply_to_message_id: 502 },
    ]);

    // Nothing open: no polling at all. Open again: the next poll starts after the last update, even after a restart.
    const polls = () => tg?.received.filter((r) => r.path.endsWith('/getUpdates')) ?? [];
    expect(await replies.poll()).toEqual([]);
    expect(polls()).toHaveLength(1);
    open.set('qc', question('qc', 'app/E03'));
    const again = createTelegramReplies(deps);
    expect(await again.poll()).toEqual([]);
    expect(JSON.parse(polls().at(-1)?.body ?? '{}')).toMatchObject({ offset: 11, allowed_updates: ['message'] });
    expect(answered).toHaveLength(2);
  });
});
