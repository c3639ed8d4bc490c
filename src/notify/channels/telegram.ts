import type { Notice } from '../notice.js';
import { post } from '../http.js';
import { readSecret } from '../secrets.js';
import { chatText, type ChannelDeps, type SendResult } from './types.js';

const MAX = 4096;

/**
 * Telegram Bot API: `POST <api_url>/bot<token>/sendMessage` with `{chat_id, text}`; the answer is `{"ok": true, ...}`
 * or `{"ok": false, "description": ..., "parameters": {"retry_after": s}}`. Plain text (no parse_mode): nothing to escape.
 */
export function telegramSender(cfg: { token_env: string; chat_id: string | number; api_url: string }, d: ChannelDeps): (n: Notice) => Promise<SendResult> {
  return async (n) => {
    const token = readSecret(cfg.token_env, d.env, d.secretsFile);
    if (!token.ok) return { ok: false, retry: false, error: token.error };
    const text = chatText(n, d.project);
    const body = JSON.stringify({ chat_id: String(cfg.chat_id), text: text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text, disable_web_page_preview: true });
    const r = await post(`${cfg.api_url.replace(/\/+$/, '')}/bot${token.value}/sendMessage`, body, { 'content-type': 'application/json', 'user-agent': `orch/${d.version}` }, d.timeoutMs);
    if (r.ok) {
      const answer = parse(r.body);
      const messageId = answer?.result?.message_id;
      if (answer?.ok === true) return typeof messageId === 'number' ? { ...r, messageId } : r;
      return { ok: false, retry: false, error: `Telegram refused the message: ${answer?.description ?? r.body.slice(0, 200)}` };
    }
    const answer = parse(r.error.replace(/^HTTP \d+: /, ''));
    const retryAfter = answer?.parameters?.retry_after;
    const why = answer?.description ? `HTTP ${r.status ?? ''}: ${answer.description}` : r.error;
    const hint = r.status === 401 || r.status === 404 ? ` (check the bot token in ${cfg.token_env})` : r.status === 400 || r.status === 403 ? ` (check chat_id ${cfg.chat_id}: the bot must be in that chat)` : '';
    return { ...r, error: `${why}${hint}`, ...(typeof retryAfter === 'number' ? { retryAfterMs: retryAfter * 1000 } : {}) };
  };
}

function parse(s: string): { ok?: boolean; description?: string; result?: { message_id?: number }; parameters?: { retry_after?: number } } | undefined {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null ? (v as { ok?: boolean }) : undefined;
  } catch {
    return undefined;
  }
}
