import type { Event, ReviewItem, Run, Signal, Status, Task, TaskStatus } from '../api/index.js';
import type { ViewLine } from '../view/index.js';
import { addToPane, emptyPane, type Pane } from './panes.js';
import { cleanDeep } from './clean.js';

export type { Pane } from './panes.js';
import type { ViewName } from './keys.js';


export type View =
  | { name: 'dashboard' }
  | { name: 'agents'; zoom: string | null }
  | { name: 'plan' }
  | { name: 'task'; taskId: string; back: View }
  | { name: 'log'; runId: string; taskId: string; back: View }
  | { name: 'diff'; taskId: string; back: View }
  | { name: 'settings' }
  | { name: 'help'; back: View };

/** What a confirmation or an input box does when accepted; the container runs it through the API client. */
export type Pending =
  | { kind: 'start-next'; }
  | { kind: 'start'; taskId: string }
  | { kind: 'stop'; taskId: string }
  | { kind: 'pause'; taskId: string }
  | { kind: 'pause-all' }
  | { kind: 'retry'; taskId: string }
  | { kind: 'guide'; taskId: string }
  | { kind: 'answer'; questionId: string; taskId: string }
  | { kind: 'merge'; taskId: string }
  | { kind: 'maintain' }
  | { kind: 'setting'; key: string }
  | { kind: 'search' }
  /** `restore`: the input box the question interrupted, given back when the answer is no. */
  | { kind: 'quit'; restore?: Modal };

export type Modal = { kind: 'confirm'; message: string; pending: Pending } | { kind: 'input'; label: string; value: string; pending: Pending } | null;


export interface LogState {
  lines: ViewLine[];
  /** Lines before the first kept one (a log longer than the view keeps). */
  dropped: number;
  follow: boolean;
  filter: 'all' | 'tools' | 'errors';
  search: string;
  /** Index into the filtered lines of the current match, or of the top line when not following. */
  cursor: number;
  loading: boolean;
}

export interface Connection {
  state: 'connecting' | 'live' | 'lost';
  message: string | null;
  attempt: number;
}

export interface State {
  view: View;
  modal: Modal;
  conn: Connection;
  status: Status | null;
  tasks: Task[];
  questions: Signal[];
  reviews: ReviewItem[];
  panes: Record<string, Pane>;
  /** Selected row per list view, and the focused pane. */
  sel: { dashboard: number; agents: number; plan: number; settings: number };
  planFilter: { module: string | null; status: TaskStatus | null; critical: boolean };
  log: LogState;
  detail: { task: Task; runs: Run[] } | null;
  diff: { text: string; reasons: ReviewItem['decision']['reasons']; truncated: boolean } | null;
  scroll: number;
  statusLine: { text: string; kind: 'info' | 'ok' | 'error' } | null;
  lastSeq: number;
  /** Live lines the daemon dropped because this UI was not keeping up (its stream does not say whose). */
  streamSkipped: number;
  now: number;
  size: { columns: number; rows: number };
}

export type Action =
  | { type: 'snapshot'; status: Status; tasks: Task[]; questions: Signal[]; reviews: ReviewItem[] }
  | { type: 'events'; events: Event[]; skipped: Record<string, number> }
  | { type: 'conn'; conn: Connection }
  | { type: 'view'; view: View }
  | { type: 'modal'; modal: Modal }
  | { type: 'modal-input'; value: string }
  | { type: 'select'; list: keyof State['sel']; index: number }
  | { type: 'plan-filter'; filter: Partial<State['planFilter']> }
  | { type: 'log-reset'; runId: string }
  | { type: 'log-lines'; lines: ViewLine[]; done?: boolean }
  | { type: 'log'; patch: Partial<LogState> }
  | { type: 'detail'; detail: State['detail'] }
  | { type: 'diff'; diff: State['diff'] }
  | { type: 'scroll'; scroll: number }
  | { type: 'status-line'; text: string; kind: 'info' | 'ok' | 'error' }
  | { type: 'tick'; now: number }
  | { type: 'resize'; columns: number; rows: number };

/** Lines a log view keeps; the beginning of a longer log is counted, not kept. */
export const LOG_LINES = 20_000;

export const initialState = (size: State['size'], now = Date.now()): State => ({
  view: { name: 'dashboard' },
  modal: null,
  conn: { state: 'connecting', message: null, attempt: 0 },
  status: null,
  tasks: [],
  questions: [],
  reviews: [],
  panes: {},
  sel: { dashboard: 0, agents: 0, plan: 0, settings: 0 },
  planFilter: { module: null, status: null, critical: false },
  log: { lines: [], dropped: 0, follow: true, filter: 'all', search: '', cursor: 0, loading: false },
  detail: null,
  diff: null,
  scroll: 0,
  statusLine: null,
  lastSeq: 0,
  streamSkipped: 0,
  now,
  size,
});


/** Applies a frame's worth of events: panes (capped, lines made only when drawn), live usage, the last seq. */
function applyEvents(s: State, events: Event[], skipped: Record<string, number>): State {
  const byRun = new Map<string, Event[]>();
  let lastSeq = s.lastSeq;
  let status = s.status;
  for (const e of events) {
    if (e.seq > lastSeq) lastSeq = e.seq;
    if (!e.runId) continue;
    if (e.type === 'run.usage' && status) {
      const { live: _live, ...usage } = e.data;
      status = { ...status, active: status.active.map((r) => (r.id === e.runId ? { ...r, usage } : r)) };
      continue;
    }
    if (e.type === 'run.state' && status) {
      const to = e.data.to;
      status = { ...status, active: status.active.map((r) => (r.id === e.runId ? { ...r, state: to } : r)) };
    }
    let list = byRun.get(e.runId);
    if (!list) byRun.set(e.runId, (list = []));
    list.push(e);
  }
  const panes = { ...s.panes };
  const root = (runId: string) => status?.active.find((r) => r.id === runId)?.worktree;
  for (const [runId, add] of byRun) panes[runId] = addToPane(panes[runId] ?? emptyPane(), add, root(runId));
  let streamSkipped = s.streamSkipped;
  for (const [runId, n] of Object.entries(skipped)) {
    if (runId === '*') streamSkipped += n;
    else panes[runId] = { ...(panes[runId] ?? emptyPane()), skipped: (panes[runId]?.skipped ?? 0) + n };
  }
  return { ...s, panes, lastSeq, status, streamSkipped };
}

/** Actions that carry the daemon's text (plans, agent output, answers): made plain before they are kept. */
const FROM_DAEMON = new Set<Action['type']>(['snapshot', 'events', 'log-lines', 'detail', 'diff', 'status-line']);

export function createReducer() {
  return function reduce(s: State, given: Action): State {
    const a = FROM_DAEMON.has(given.type) ? cleanDeep(given) : given;
    switch (a.type) {
      case 'snapshot': {
        // Panes of runs that ended more than a while ago go; the log view still reads them from the daemon.
        const live = new Set(a.status.active.map((r) => r.id));
        const panes = Object.fromEntries(Object.entries(s.panes).filter(([id]) => live.has(id)));
        return { ...s, status: a.status, tasks: a.tasks, questions: a.questions, reviews: a.reviews, panes };
      }
      case 'events':
        return applyEvents(s, a.events, a.skipped);
      case 'conn':
        return { ...s, conn: a.conn };
      case 'view':
        return { ...s, view: a.view, scroll: 0, modal: null };
      case 'modal':
        return { ...s, modal: a.modal };
      case 'modal-input':
        return s.modal?.kind === 'input' ? { ...s, modal: { ...s.modal, value: a.value } } : s;
      case 'select':
        return { ...s, sel: { ...s.sel, [a.list]: Math.max(0, a.index) } };
      case 'plan-filter':
        return { ...s, planFilter: { ...s.planFilter, ...a.filter }, sel: { ...s.sel, plan: 0 } };
      case 'log-reset':
        return { ...s, log: { ...s.log, lines: [], dropped: 0, cursor: 0, loading: true, follow: true } };
      case 'log-lines': {
        const all = [...s.log.lines, ...a.lines];
        const over = Math.max(0, all.length - LOG_LINES);
        return { ...s, log: { ...s.log, lines: over ? all.slice(over) : all, dropped: s.log.dropped + over, loading: a.done ? false : s.log.loading } };
      }
      case 'log':
        return { ...s, log: { ...s.log, ...a.patch } };
      case 'detail':
        return { ...s, detail: a.detail };
      case 'diff':
        return { ...s, diff: a.diff };
      case 'scroll':
        return { ...s, scroll: Math.max(0, a.scroll) };
      case 'status-line':
        return { ...s, statusLine: { text: a.text, kind: a.kind } };
      case 'tick':
        return { ...s, now: a.now };
      case 'resize':
        return { ...s, size: { columns: a.columns, rows: a.rows } };
      default: {
        const never: never = a;
        return never;
      }
    }
  };
}

export const viewName = (v: View): ViewName => v.name;

/** The container's state: reduced at dispatch time, so every key sees what the keys before it did. */
export function createStore(reduce: (s: State, a: Action) => State, initial: State) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: (): State => state,
    dispatch: (a: Action): void => {
      const next = reduce(state, a);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
    subscribe: (l: () => void): (() => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
