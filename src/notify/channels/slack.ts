import type { Notice } from '../notice.js';
import { post } from '../http.js';
import { readSecret } from '../secrets.js';
import { chatText, type ChannelDeps, type SendResult } from './types.js';

/** Slack incoming webhook: `POST <webhook URL>` with `{"text": ...}` (mrkdwn); Slack answers 200 `ok`. */
export function slackSender(cfg: { webhook_url_env: string }, d: ChannelDeps): (n: Notice) => Promise<SendResult> {
  return async (n) => {
    const url = readSecret(cfg.webhook_url_env, d.env, d.secretsFile);
    if (!url.ok) return { ok: false, retry: false, error: url.error };
    const text = chatText({ ...n, title: `*${n.title}*` }, d.project);
    return post(url.value, JSON.stringify({ text }), { 'content-type': 'application/json', 'user-agent': `orch/${d.version}` }, d.timeoutMs);
  };
}
