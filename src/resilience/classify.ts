import type { AgentEvent, AgentOutcome } from '../agents/index.js';

export interface FailureClass {
  kind: 'transient' | 'permanent';
  reason: string;
  /** The server's or CLI's own "retry after", when it said one. */
  retryAfterMs?: number;
}

export interface ClassifyOptions {
  /** For "usage limit reached|<epoch>" resets. Default Date.now. */
  now?: () => number;
}

interface Rule {
  re: RegExp;
  reason: string;
}

// Checked first: a 429 with "insufficient_quota" is a billing problem, not a rate limit.
const PERMANENT: Rule[] = [
  { re: /not logged in|invalid x-api-key|invalid api key|authentication_error|please run \/login|oauth token (?:has )?expired|unauthori[sz]ed|invalid_api_key|missing api key|api key not valid/i, reason: 'authentication failed' },
  { re: /permission_error|forbidden/i, reason: 'not permitted' },
  { re: /insufficient_quota|credit balance is too low|billing/i, reason: 'billing or quota' },
  { re: /error_max_turns|max(?:imum)?[ _-]turns|max_turns/i, reason: 'max turns reached' },
  { re: /no conversation found|session (?:\S+ )?not found|no (?:saved )?session (?:found )?(?:with|for)|thread (?:\S+ )?not found/i, reason: 'bad resume' },
  { re: /unknown option|unknown argument|unexpected argument|unrecognized (?:option|argument)|invalid value for|missing required argument|^usage:|\busage: \S+ \[/im, reason: 'bad command-line usage' },
  { re: /\bCLI not found\b|ENOENT.*spawn|spawn \S+ ENOENT/i, reason: 'agent CLI missing' },
  { re: /model_not_found|not_found_error|unknown model|invalid model|\bmodel\b[^.\n]{0,40}\b(?:does not exist|is not supported)/i, reason: 'unknown model' },
  { re: /prompt is too long|context[_ ]length|context window|maximum context/i, reason: 'prompt too long' },
  { re: /invalid_request_error/i, reason: 'request rejected' },
  { re: /permission rejected|approval required|permission to use \S+ .*denied/i, reason: 'tool permission refused' },
];

const TRANSIENT: Rule[] = [
  { re: /rate[ _-]?limit|too many requests|usage limit|limit reached/i, reason: 'rate limited' },
  { re: /overloaded|high demand|capacity|temporarily unavailable|service unavailable/i, reason: 'overloaded' },
  { re: /timed? ?out|ETIMEDOUT|deadline exceeded/i, reason: 'timed out' },
  {
    re: /ECONNREFUSED|ECONNRESET|EPIPE|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|connection (?:refused|reset|closed|error)|socket hang up|fetch failed|unable to connect to api|stream disconnected|network error|reconnecting\.\.\./i,
    reason: 'connection failed',
  },
  { re: /internal server error|server[_ ]error|bad gateway|gateway timeout|"isRetryable"\s*:\s*true|api_error\b/i, reason: 'server error' },
];

// `API Error: 500`, `"code":500`, `"statusCode":500`, `status 529`, `last status: 429`, `HTTP/1.1 503`.
const STATUS = /(?:API Error:?\s*\[?|"?status(?:_?code|Code)?"?\s*[:=]?\s*|"code"\s*:\s*|error_status"?\s*:\s*|HTTP\/[\d.]+\s+)(\d{3})\b/gi;

const byStatus = (status: number): Omit<FailureClass, 'retryAfterMs'> | undefined => {
  if (status === 401) return { kind: 'permanent', reason: 'authentication failed (401)' };
  if (status === 403) return { kind: 'permanent', reason: 'not permitted (403)' };
  if (status === 408) return { kind: 'transient', reason: 'timed out (408)' };
  if (status === 429) return { kind: 'transient', reason: 'rate limited (429)' };
  if (status === 529) return { kind: 'transient', reason: 'overloaded (529)' };
  if (status >= 500 && status <= 599) return { kind: 'transient', reason: `server error (${status})` };
  if (status >= 400 && status <= 499) return { kind: 'permanent', reason: `request rejected (${status})` };
  return undefined;
};

const UNITS: Record<string, number> = { ms: 1, millisecond: 1, milliseconds: 1, s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000, m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hour: 3_600_000, hours: 3_600_000 };
const RETRY_AFTER = /(?:retry[- _]after|try again in|retry in|resets? in)\W{0,3}(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)?\b/i;
// Claude Code's subscription limit: `Claude AI usage limit reached|1736899200` (unix seconds of the reset).
const RESET_EPOCH = /limit reached\|(\d{10})\b/i;

const retryAfter = (texts: readonly string[], now: number): number | undefined => {
  for (const t of texts) {
    const epoch = RESET_EPOCH.exec(t);
    if (epoch?.[1]) return Math.max(0, Number(epoch[1]) * 1000 - now);
    const m = RETRY_AFTER.exec(t);
    if (m?.[1]) return Math.round(Number(m[1]) * (UNITS[(m[2] ?? 's').toLowerCase()] ?? 1000));
  }
  return undefined;
};

const excerpt = (text: string, index: number): string => {
  const start = text.lastIndexOf('\n', index) + 1;
  const endNl = text.indexOf('\n', index);
  const line = text.slice(start, endNl === -1 ? undefined : endNl).trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
};

const classifyText = (text: string): Omit<FailureClass, 'retryAfterMs'> | undefined => {
  for (const rule of PERMANENT) {
    const m = rule.re.exec(text);
    if (m) return { kind: 'permanent', reason: `${rule.reason}: ${excerpt(text, m.index)}` };
  }
  for (const m of text.matchAll(STATUS)) {
    const c = byStatus(Number(m[1]));
    if (c) return { ...c, reason: `${c.reason}: ${excerpt(text, m.index)}` };
  }
  for (const rule of TRANSIENT) {
    const m = rule.re.exec(text);
    if (m) return { kind: 'transient', reason: `${rule.reason}: ${excerpt(text, m.index)}` };
  }
  return undefined;
};

/** What the CLI said about the failure, most decisive first: the outcome, the result event, then recent errors newest first. */
const evidence = (outcome: AgentOutcome, recent: readonly AgentEvent[]): string[] => {
  const texts: string[] = [];
  if (outcome.error) texts.push(outcome.error);
  if (outcome.resultText) texts.push(outcome.resultText);
  for (let i = recent.length - 1; i >= 0; i--) {
    const e = recent[i];
    if (e?.type === 'result' && !e.ok) texts.push([e.subtype, e.text, ...(e.errors ?? [])].filter(Boolean).join('\n'));
  }
  for (let i = recent.length - 1; i >= 0; i--) {
    const e = recent[i];
    if (e?.type === 'error') texts.push(e.message);
    else if (e?.type === 'retry') texts.push(`${e.status === undefined ? '' : `status ${e.status}: `}${e.message}`);
  }
  return texts;
};

/**
 * Whether a failed run is worth retrying: transient (rate limit, overload, 5xx, timeout, network) or permanent
 * (auth, max turns, bad resume, usage errors, an exit without a result for a reason that is not the network).
 * Pure; `recent` is the run's last events (tool output is ignored: it is the project's, not the API's).
 */
export function classifyFailure(outcome: AgentOutcome, recent: readonly AgentEvent[], options: ClassifyOptions = {}): FailureClass {
  const now = (options.now ?? Date.now)();
  if (outcome.ok) return { kind: 'permanent', reason: 'the run succeeded: nothing to retry' };
  if (outcome.canceled) return { kind: 'permanent', reason: 'canceled' };
  const texts = evidence(outcome, recent);
  for (const text of texts) {
    const c = classifyText(text);
    if (!c) continue;
    const after = c.kind === 'transient' ? retryAfter(texts, now) : undefined;
    return after === undefined ? c : { ...c, retryAfterMs: after };
  }
  const hasResult = recent.some((e) => e.type === 'result');
  const first = (outcome.error ?? '').split('\n')[0] ?? '';
  if (!hasResult) return { kind: 'permanent', reason: `exited without a result: ${first || `exit code ${String(outcome.exitCode)}`}` };
  return { kind: 'permanent', reason: `unrecognised error: ${first || outcome.resultText.slice(0, 200) || 'no message'}` };
}
