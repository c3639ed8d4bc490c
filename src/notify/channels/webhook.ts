import { createHmac } from 'node:crypto';
import type { WebhookPayload } from '../../api/index.js';
import type { Notice } from '../notice.js';
import { post } from '../http.js';
import { readSecret } from '../secrets.js';
import type { ChannelDeps, SendResult } from './types.js';

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the user's secret (as GitHub signs its webhooks). */
export const signature = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function webhookBody(n: Notice, deliveryId: string, project: string): string {
  const payload: WebhookPayload = {
    version: 1,
    id: deliveryId,
    project,
    kind: n.kind,
    title: n.title,
    text: n.text,
    taskId: n.taskId,
    runId: n.runId,
    ts: n.ts,
    event: n.event,
    items: n.items.map(({ items: _items, ...item }) => item),
  };
  return JSON.stringify(payload);
}

/** A generic webhook: the versioned JSON body (api/notify.ts `WebhookPayload`), signed when `secret_env` is set. */
export function webhookSender(cfg: { url: string; url_env: string; secret_env: string }, d: ChannelDeps): (n: Notice, deliveryId: string) => Promise<SendResult> {
  return async (n, deliveryId) => {
    const url = cfg.url_env ? readSecret(cfg.url_env, d.env, d.secretsFile) : { ok: true as const, value: cfg.url };
    if (!url.ok) return { ok: false, retry: false, error: url.error };
    const secret = cfg.secret_env ? readSecret(cfg.secret_env, d.env, d.secretsFile) : undefined;
    if (secret && !secret.ok) return { ok: false, retry: false, error: secret.error };
    const body = webhookBody(n, deliveryId, d.project);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `orch/${d.version}`,
      'x-orch-event': n.kind,
      'x-orch-delivery': deliveryId,
      ...(secret ? { 'x-orch-signature': signature(secret.value, body) } : {}),
    };
    return post(url.value, body, headers, d.timeoutMs);
  };
}
