import type { Event } from '../api/index.js';
import { activityOf, eventLines, type ViewLine } from '../view/index.js';

/**
 * Events kept per agent pane; older ones are dropped (the run log has everything). A pane shows the lines of its
 * latest events, so this bounds both memory and the work of a frame whatever the agents print.
 */
export const PANE_EVENTS = 200;

export interface Pane {
  /** The run's latest events, oldest first: lines are made from them only when the pane is drawn. */
  events: Event[];
  /** Lines dropped because they came faster than they could be shown (here or by the daemon's stream). */
  skipped: number;
  activity: string | null;
  tools: number;
}

export const emptyPane = (): Pane => ({ events: [], skipped: 0, activity: null, tools: 0 });

/**
 * A frame's events of one run added to its pane: only their latest activity is worked out (the screen shows one),
 * and events beyond what the pane keeps count as skipped (they were never on screen).
 */
export function addToPane(old: Pane, add: Event[], root: string | undefined): Pane {
  const pane = { ...old };
  for (const e of add) if (e.type === 'run.output' && e.data.event.type === 'tool_call') pane.tools++;
  for (let i = add.length - 1; i >= 0; i--) {
    const e = add[i]!;
    // A run that left waiting (resumed, answered) is no longer doing what it waited for.
    if (e.type === 'run.state' && e.data.to !== 'waiting' && old.activity?.startsWith('waiting')) {
      pane.activity = null;
      break;
    }
    const a = e.type === 'run.output' ? activityOf(e.data.event, root) : e.type === 'run.question' ? 'waiting for an answer' : e.type === 'run.waiting' && 'reason' in e.data ? `waiting: ${e.data.reason}` : undefined;
    if (a) {
      pane.activity = a;
      break;
    }
  }
  if (add.length > PANE_EVENTS) pane.skipped += add.length - PANE_EVENTS;
  const kept = add.length > PANE_EVENTS ? add.slice(add.length - PANE_EVENTS) : add;
  const over = old.events.length + kept.length - PANE_EVENTS;
  pane.events = over > 0 ? [...old.events.slice(over), ...kept] : [...old.events, ...kept];
  return pane;
}

export interface KeyedLine {
  /** Stable while the line is on screen, so a frame re-draws only the lines that scrolled in. */
  key: number;
  line: ViewLine;
}

// An event's lines are made once, the first time its pane is drawn, and kept while the event is (a WeakMap).
const made = { ascii: new WeakMap<Event, KeyedLine[]>(), unicode: new WeakMap<Event, KeyedLine[]>() };
let nextKey = 0;

function linesOf(e: Event, ascii: boolean, root: string | undefined): KeyedLine[] {
  const cache = ascii ? made.ascii : made.unicode;
  let lines = cache.get(e);
  if (!lines) {
    lines = eventLines(e, { root, ascii, argsMax: 100 }).map((line) => ({ key: nextKey++, line }));
    cache.set(e, lines);
  }
  return lines;
}

/** The last `n` lines of a pane, oldest first, made only from as many of its latest events as it takes. */
export function paneLines(pane: Pane | undefined, n: number, o: { ascii: boolean; root?: string }): KeyedLine[] {
  if (!pane || n <= 0) return [];
  const out: KeyedLine[][] = [];
  let count = 0;
  for (let i = pane.events.length - 1; i >= 0 && count < n; i--) {
    const lines = linesOf(pane.events[i]!, o.ascii, o.root);
    out.push(lines);
    count += lines.length;
  }
  const flat = out.reverse().flat();
  return flat.length > n ? flat.slice(flat.length - n) : flat;
}
