import type { Run, Task } from '../api/index.js';

const useColor = (): boolean => !process.env.NO_COLOR && process.stdout.isTTY === true;
const paint = (code: number) => (s: string) => (useColor() ? `\u001b[${code}m${s}\u001b[0m` : s);
export const red = paint(31);
export const green = paint(32);
export const yellow = paint(33);
export const dim = paint(2);
export const bold = paint(1);

export const statusMark: Record<Task['status'], string> = {
  not_started: '🔴',
  in_progress: '🟡',
  complete: '🟢',
  failed: '❌',
  needs_review: '👀',
};

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c).length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - visible(c).length))).join('  ')).join('\n');
}

// eslint-disable-next-line no-control-regex
const visible = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

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
