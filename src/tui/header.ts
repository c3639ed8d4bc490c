import { clusterBrief, compact, money, totalTokens } from '../view/index.js';
import { queued } from './select.js';
import type { State } from './state.js';
import { glyph, type Theme } from './theme.js';

/**
 * The header's text, fitted to the width: the view tabs, then running/max (and the worker pool), queued, merged and failed today, waiting
 * for a person, tokens and spend today. Narrower terminals get shorter forms (today's numbers grouped, other tabs by
 * their number), then the counts on two lines: every number stays on screen, none is cut, nothing wraps.
 */
export interface HeaderText {
  tabs: string;
  /** ` PAUSED (r resumes)` when paused (drawn in its own color after the tabs). */
  paused: string;
  /** One or two lines of counts; empty before the first status (the connection line shows then). */
  counts: string[];
}

const views: Array<[string, string]> = [
  ['dashboard', 'dashboard'],
  ['agents', 'agents'],
  ['plan', 'plan'],
  ['settings', 'settings'],
];
const overlays = ['task', 'log', 'diff', 'help'];

function tabs(s: State, short: boolean): string {
  const at = s.view.name;
  const list = views.map(([name, label], i) =>
    at === name ? `[${i + 1} ${label}]` : short ? `${i + 1}` : ` ${i + 1} ${label} `,
  );
  return `Orch ${list.join(' ')}${overlays.includes(at) ? `${short ? ' ' : '  '}> ${at}` : ''}`;
}

export function headerText(s: State, t: Theme, width: number): HeaderText {
  const paused = s.status?.paused ? (width >= 70 ? ' PAUSED (r resumes)' : ' PAUSED') : '';
  const full = tabs(s, false);
  const tabLine = full.length + paused.length <= width ? full : tabs(s, true);
  const st = s.status;
  if (!st) return { tabs: tabLine, paused, counts: [] };
  const sep = ` ${glyph(t).sep} `;
  const running = st.active.filter((r) => r.state !== 'waiting').length;
  const queue = queued(s).length;
  const you = s.reviews.length + s.questions.filter((q) => q.audience !== 'orchestrator').length;
  const today = st.today;
  const merged = today?.merged ?? 0;
  const failed = today?.failed ?? st.counts.failed;
  const spend = `${compact(today?.tokens ?? totalTokens(st.totals))} tok ${money(today?.costUsd ?? st.totals.costUsd)}`;
  // The worker pool, when a cluster is configured, goes with the agents: `workers 2 (1/4)` or `cluster unavailable`.
  const pool = clusterBrief(st.cluster);
  const agents = `agents ${running}/${st.maxParallel}${pool ? `${sep}${pool}` : ''}`;
  const withReady = `queued ${queue} (${st.ready} ready)`;
  const plain = `queued ${queue}`;
  const needs = `needs you ${you}`;
  const candidates: string[][] = [
    [[agents, withReady, `merged today ${merged}`, `failed ${failed}`, needs, `${spend} today`].join(sep)],
    [[agents, withReady, needs, `today: merged ${merged}, failed ${failed}, ${spend}`].join(sep)],
    [[agents, plain, needs, `today: merged ${merged}, failed ${failed}, ${spend}`].join(sep)],
    [[agents, withReady, needs].join(sep), `today: ${[`merged ${merged}`, `failed ${failed}`, spend].join(sep)}`],
    [[agents, plain, needs].join(sep), `today: ${[`merged ${merged}`, `failed ${failed}`, spend].join(sep)}`],
    [[`run ${running}/${st.maxParallel}`, `queue ${queue}`, `you ${you}`].join(sep), [`merged ${merged}`, `failed ${failed}`, spend].join(sep)],
  ];
  const counts = candidates.find((c) => c.every((l) => l.length <= width)) ?? candidates[candidates.length - 1]!;
  return { tabs: tabLine, paused, counts };
}

/** Rows the header takes: the tabs, then the counts (or the connection line). */
export const headerRows = (s: State, t: Theme): number => 1 + Math.max(1, s.conn.state === 'live' ? headerText(s, t, s.size.columns).counts.length : 1);
