/** "retrying API: connection refused (3/10), next try in 4 s": an agent CLI's own API retry, as people read it. */
export function apiRetryText(r: { attempt?: number; max?: number; delayMs?: number; status?: number | null; message?: string }): string {
  const raw = r.message && r.message !== 'unknown' ? r.message.replace(/_/g, ' ') : r.status ? `HTTP ${r.status}` : 'request failed';
  const what = raw === 'API request failed; retrying' && r.status ? `HTTP ${r.status}` : raw;
  const status = r.status && !what.includes(String(r.status)) ? ` (HTTP ${r.status})` : '';
  const count = r.attempt !== undefined ? ` (${r.attempt}${r.max !== undefined ? `/${r.max}` : ''})` : '';
  const next = r.delayMs !== undefined ? `, next try in ${Math.max(1, Math.round(r.delayMs / 1000))} s` : '';
  return `retrying API: ${what}${status}${count}${next}`;
}
