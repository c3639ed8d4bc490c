import type { LogEntry } from '../api/index.js';
import { apiRetryText } from '../api/retry.js';
import { dim, green, red, yellow } from './format.js';

type Line = {
  type?: string;
  subtype?: string;
  message?: { content?: Array<Record<string, unknown>> };
  result?: string;
  is_error?: boolean;
  attempt?: number;
  max_retries?: number;
  retry_delay_ms?: number;
  error_status?: number | null;
  error?: string;
};

/** One entry of a run's log as a person reads it. */
export function renderLogEntry(e: LogEntry): string {
  const t = dim(e.t.slice(11, 19));
  if (e.s === 'orch') return `${t} ${'orch'} ${e.l}`;
  if (e.s === 'err') return `${t} ${dim(e.l)}`;
  try {
    const j = JSON.parse(e.l) as Line;
    if (j.type === 'assistant') {
      return (j.message?.content ?? [])
        .map((b) => (b.type === 'text' ? `${t} ${String(b.text)}` : b.type === 'tool_use' ? `${t} ${yellow(`→ ${String(b.name)}`)} ${JSON.stringify(b.input).slice(0, 160)}` : ''))
        .filter(Boolean)
        .join('\n');
    }
    if (j.type === 'user') return `${t} ${dim('← tool result')}`;
    if (j.type === 'result') return `${t} ${j.is_error ? red('result (error)') : green('result')} ${j.result ?? ''}`;
    if (j.type === 'system' && j.subtype === 'api_retry') {
      return `${t} ${yellow(apiRetryText({ attempt: j.attempt, max: j.max_retries, delayMs: j.retry_delay_ms, status: j.error_status, message: j.error }))}`;
    }
    if (j.type === 'system') return `${t} ${dim(`system ${j.subtype ?? ''}`)}`;
    return `${t} ${dim(e.l.slice(0, 200))}`;
  } catch {
    return `${t} ${e.l}`;
  }
}
