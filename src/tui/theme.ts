import type { LineKind } from '../view/index.js';
import type { RunState, TaskStatus } from '../api/index.js';

/** How the terminal may be drawn: colors unless NO_COLOR, Unicode unless ORCH_ASCII=1 or a non-UTF-8 locale. */
export interface Theme {
  color: boolean;
  ascii: boolean;
}

export function themeFromEnv(env: NodeJS.ProcessEnv): Theme {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  const utf8 = locale === '' || /utf-?8/i.test(locale);
  return { color: env.NO_COLOR === undefined || env.NO_COLOR === '', ascii: env.ORCH_ASCII === '1' || !utf8 };
}

/** Ink color names; undefined draws in the terminal's default color. */
export type Color = 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'gray' | 'blue' | undefined;

export const colorOf = (t: Theme, c: Color): Color => (t.color ? c : undefined);

export const lineColor: Record<LineKind, Color> = {
  text: undefined,
  tool: 'yellow',
  result: 'gray',
  error: 'red',
  warn: 'magenta',
  orch: 'cyan',
  info: 'gray',
};

/** Status marks for tasks: visible without color (each has its own shape). */
export function taskMark(t: Theme, s: TaskStatus): string {
  const marks: Record<TaskStatus, [string, string]> = {
    not_started: ['○', 'o'],
    in_progress: ['◐', '~'],
    complete: ['●', '*'],
    failed: ['✗', 'x'],
    needs_review: ['◆', '!'],
  };
  return marks[s][t.ascii ? 1 : 0];
}

export const taskColor: Record<TaskStatus, Color> = {
  not_started: undefined,
  in_progress: 'yellow',
  complete: 'green',
  failed: 'red',
  needs_review: 'magenta',
};

/** A run's mark on its pane: working, waiting for something, or finished. */
export function runMark(t: Theme, s: RunState): { mark: string; color: Color } {
  if (s === 'failed') return { mark: t.ascii ? 'x' : '✗', color: 'red' };
  if (s === 'done') return { mark: t.ascii ? '*' : '●', color: 'green' };
  if (s === 'stopped') return { mark: t.ascii ? '-' : '■', color: 'gray' };
  if (s === 'waiting') return { mark: t.ascii ? '?' : '⏸', color: 'magenta' };
  if (s === 'queued' || s === 'preparing' || s === 'spawning') return { mark: t.ascii ? '.' : '…', color: 'gray' };
  return { mark: t.ascii ? '>' : '▶', color: 'yellow' };
}

export const glyph = (t: Theme) => ({
  bar: (frac: number, width: number): string => {
    const n = Math.max(0, Math.min(width, Math.round(frac * width)));
    return t.ascii ? `${'#'.repeat(n)}${'.'.repeat(width - n)}` : `${'█'.repeat(n)}${'░'.repeat(width - n)}`;
  },
  arrow: t.ascii ? '->' : '→',
  sep: t.ascii ? '|' : '│',
  dot: t.ascii ? '*' : '•',
  ellipsis: t.ascii ? '...' : '…',
  tree: { mid: t.ascii ? '|-' : '├─', last: t.ascii ? '`-' : '└─', pipe: t.ascii ? '| ' : '│ ' },
});
