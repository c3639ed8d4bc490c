/** One HTTP attempt's outcome; `retry` says whether trying again could help (network, timeout, 429, 5xx). */
export type PostResult = { ok: true; status: number; body: string } | { ok: false; retry: boolean; error: string; retryAfterMs?: number; status?: number };

/**
 * POSTs a body and reads the answer, within `timeoutMs`. Never throws. Errors name the status or the network
 * failure, never the URL (Slack's and Telegram's URLs carry the secret).
 */
export async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { ok: false, retry: true, error: `no answer within ${Math.round(timeoutMs / 1000)} s` };
    const cause = err.cause?.code ?? err.cause?.message ?? err.message;
    return { ok: false, retry: true, error: `cannot reach the endpoint (${cause})` };
  }
  let text = '';
  try {
    text = await res.text();
  } catch {
    // the status is what matters
  }
  if (res.ok) return { ok: true, status: res.status, body: text };
  const retryAfter = Number(res.headers.get('retry-after'));
  const retry = res.status === 429 || res.status >= 500;
  return {
    ok: false,
    retry,
    status: res.status,
    error: `HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}
