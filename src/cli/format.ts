import type { Run, Task } from '../api/index.js';
import { colorsFor, emojiFor } from './io.js';

const paint = (code: number, stream: NodeJS.WriteStream) => (s: string) => (colorsFor(stream) ? `\u001b[${code}m${s}\u001b[0m` : s);
export const red = paint(31, process.stdout);
export const green = paint(32, process.stdout);
export const yellow = paint(33, process.stdout);
export const dim = paint(2, process.stdout);
export const bold = paint(1, process.stdout);
/** The same colours for stderr, decided by stderr. */
export const errColor = { red: paint(31, process.stderr), yellow: paint(33, process.stderr), dim: paint(2, process.stderr) };

const emojiMarks: Record<Task['status'], string> = {
  not_started: '🔴',
  in_progress: '🟡',
  complete: '🟢',
  failed: '❌',
  needs_review: '👀',
};
const textMarks: Record<Task['status'], string> = {
  not_started: 'todo',
  in_progress: 'run',
  complete: 'done',
  failed: 'FAIL',
  needs_review: 'review',
};
/** The mark of a task status: emoji on a terminal, a word in a pipe or a file. */
export const statusMark = new Proxy(emojiMarks, {
  get: (target, key: string) => (emojiFor(process.stdout) ? target : textMarks)[key as Task['status']],
});

/** "1 error", "2 errors"; `many` for irregular plurals. */
export { plural } from '../api/plural.js';

/** "a", "a and b", "a, b and c" (at most `max` named, then "and N more"). */
export function listOf(items: string[], max = 5): string {
  if (items.length <= 1) return items.join('');
  const shown = items.slice(0, Math.min(items.length, max));
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function tokens(u: Run['usage']): string {
  const total = u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  return `${total.toLocaleString('en-US')} tok, $${u.costUsd.toFixed(4)}`;
}
