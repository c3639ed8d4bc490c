import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Signal } from '../api/index.js';
import { post } from './http.js';
import type { Notice } from './notice.js';
import { readSecret } from './secrets.js';

/**
 * Answers from Telegram (O4): a reply to the message that carried a question, or a message that starts with an
 * open question's id (`qmx85kx3ub7d9 EUR`), in the configured chat, answers it. Read with the Bot API's
 * `getUpdates` (short polls, only while a question is open); the offset and which message carried which question
 * are kept in `telegram.json` so a restart neither loses nor repeats one.
 */

interface Update {
  update_id: number;
  message?: {
    message_id: number;
    chat: { id: number | string };
    from?: { id: number; username?: string; first_name?: string };
    text?: string;
    reply_to_message?: { message_id: number };
  };
}

interface State {
  offset: number;
  /** Telegram message id -> question id. */
  messages: Record<string, string>;
}

export interface TelegramRepliesDeps {
  cfg: { token_env: string; chat_id: string | number; api_url: string };
  env: NodeJS.ProcessEnv;
  secretsFile: string;
  stateFile: string;
  open: () => Signal[];
  answer: (id: string, text: string, by: string) => void;
  log: (msg: string) => void;
  timeoutMs?: number;
  intervalMs?: number;
}

export interface TelegramReplies {
  /** Call for every notice Telegram delivered: a question's message can be replied to. */
  sent: (n: Notice, messageId?: number) => void;
  /** One getUpdates round; returns the ids of the questions it answered. */
  poll: () => Promise<string[]>;
  start: () => void;
  stop: () => void;
}

const MAX_REMEMBERED = 500;

export function createTelegramReplies(d: TelegramRepliesDeps): TelegramReplies {
  const chat = String(d.cfg.chat_id);
  const base = d.cfg.api_url.replace(/\/+$/, '');
  let state = load(d.stateFile);
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  const told = new Set<string>();
  const once = (key: string, msg: string): void => {
    if (told.has(key)) return;
    told.add(key);
    d.log(msg);
  };
  const save = (): void => {
    try {
      mkdirSync(dirname(d.stateFile), { recursive: true, mode: 0o700 });
      const tmp = `${d.stateFile}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
      renameSync(tmp, d.stateFile);
    } catch (e) {
      once('save', `telegram: cannot record replies in ${d.stateFile}: ${(e as Error).message}`);
    }
  };

  const questionOf = (n: Notice): string | undefined => {
    const one = n.kind === 'digest' ? n.items.filter((i) => i.kind === 'question.waiting') : [n];
    if (one.length !== 1 || one[0]?.kind !== 'question.waiting') return undefined;
    return (one[0].event?.data as { signal?: { id?: string } } | undefined)?.signal?.id;
  };

  const call = async (method: string, body: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> => {
    const token = readSecret(d.cfg.token_env, d.env, d.secretsFile);
    if (!token.ok) return { ok: false, error: token.error };
    const r = await post(`${base}/bot${token.value}/${method}`, JSON.stringify(body), { 'content-type': 'application/json' }, d.timeoutMs ?? 10_000);
    if (!r.ok) return { ok: false, error: r.error };
    try {
      const v = JSON.parse(r.body) as { ok?: boolean; result?: unknown; description?: string };
      return v.ok ? { ok: true, result: v.result } : { ok: false, error: v.description ?? 'not ok' };
    } catch {
      return { ok: false, error: 'the Bot API answered something other than JSON' };
    }
  };

  const poll = async (): Promise<string[]> => {
    const open = new Map(d.open().map((q) => [q.id, q]));
    if (open.size === 0) return [];
    const r = await call('getUpdates', { offset: state.offset, timeout: 0, allowed_updates: ['message'] });
    if (!r.ok) {
      once(`poll:${r.error}`, `telegram: cannot read replies (getUpdates): ${r.error}`);
      return [];
    }
    const answered: string[] = [];
    for (const u of Array.isArray(r.result) ? (r.result as Update[]) : []) {
      state.offset = Math.max(state.offset, u.update_id + 1);
      const m = u.message;
      if (!m?.text || String(m.chat.id) !== chat) continue;
      const replied = m.reply_to_message ? state.messages[String(m.reply_to_message.message_id)] : undefined;
      const [first = '', ...rest] = m.text.trim().split(/\s+/);
      const byId = !replied && open.has(first) && rest.length > 0 ? first : undefined;
      const id = replied ?? byId;
      if (!id || !open.has(id)) continue;
      const text = byId ? m.text.trim().slice(first.length).trim() : m.text.trim();
      const who = m.from?.username ? `@${m.from.username}` : (m.from?.first_name ?? String(m.from?.id ?? 'unknown'));
      try {
        d.answer(id, text, `telegram ${who}`);
        answered.push(id);
        open.delete(id);
        d.log(`question ${id} answered on Telegram by ${who}`);
        void call('sendMessage', { chat_id: chat, text: `Answered ${id}; the agent continues.`, reply_to_message_id: m.message_id });
      } catch (e) {
        d.log(`telegram: the reply to ${id} was not used: ${(e as Error).message}`);
      }
    }
    save();
    return answered;
  };

  return {
    sent(n, messageId) {
      const q = messageId === undefined ? undefined : questionOf(n);
      if (!q || messageId === undefined) return;
      state.messages[String(messageId)] = q;
      const keys = Object.keys(state.messages);
      if (keys.length > MAX_REMEMBERED) state = { ...state, messages: Object.fromEntries(keys.slice(-MAX_REMEMBERED).map((k) => [k, state.messages[k] ?? ''])) };
      save();
    },
    poll,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        poll()
          .catch((e: unknown) => d.log(`telegram: ${(e as Error).message}`))
          .finally(() => (busy = false));
      }, d.intervalMs ?? 5000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

function load(file: string): State {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<State>;
    return { offset: typeof v.offset === 'number' ? v.offset : 0, messages: v.messages && typeof v.messages === 'object' ? v.messages : {} };
  } catch {
    return { offset: 0, messages: {} };
  }
}
