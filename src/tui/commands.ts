import { LogEntry } from '../api/index.js';
import type { Client } from '../client/index.js';
import { logEntryLines, type ViewLine } from '../view/index.js';
import { perform, resumeAll, runDiff, taskDetail } from './actions.js';
import { diffText } from './diff-text.js';
import type { Command } from './keys.js';
import { dashboardRows, modulesOf, planRows, running, selectedTask } from './select.js';
import { paneGrid } from './screens/Agents.js';
import { filteredLog, findMatch } from './screens/Log.js';
import type { Action, Pending, State, View } from './state.js';

export interface CommandContext {
  state: State;
  dispatch: (a: Action) => void;
  client: () => Client | undefined;
  refresh: () => Promise<void>;
  /** Opens a run's log (streamed, followed while the run lives). */
  /** `worktree`: the run's, so paths in the log read relative to it (a finished run is no longer in the status). */
  openLog: (runId: string, taskId: string, worktree?: string) => void;
  settings: { open: (index: number) => void; count: () => number; set: (key: string, value: string) => void };
  quit: () => void;
  ascii: boolean;
}

const statuses = ['not_started', 'in_progress', 'needs_review', 'failed', 'complete'] as const;
const views: Array<View['name']> = ['dashboard', 'agents', 'plan', 'settings'];

const say = (d: CommandContext['dispatch'], text: string, kind: 'info' | 'ok' | 'error' = 'info') => d({ type: 'status-line', text, kind });

/** Runs an accepted confirmation or input through the API, and says what came of it. */
export async function accept(ctx: CommandContext, p: Pending, input = ''): Promise<void> {
  const { dispatch } = ctx;
  if (p.kind === 'quit') return ctx.quit();
  if (p.kind === 'search') {
    const lines = filteredLog(ctx.state.log);
    const at = findMatch(lines, input, ctx.state.log.follow ? lines.length : ctx.state.log.cursor - 1, 1);
    dispatch({ type: 'log', patch: { search: input, ...(at >= 0 ? { cursor: at, follow: false } : {}) } });
    if (at < 0 && input) say(dispatch, `"${input}" not found`, 'error');
    return;
  }
  if (p.kind === 'setting') return ctx.settings.set(p.key, input);
  const c = ctx.client();
  if (!c) return say(dispatch, 'the daemon is not connected; the action was not sent', 'error');
  say(dispatch, 'working...');
  try {
    const out = await perform(c, p, input);
    say(dispatch, out.text, out.ok ? 'ok' : 'error');
    if (p.kind === 'merge' && ctx.state.view.name === 'diff') dispatch({ type: 'view', view: ctx.state.view.back });
    await ctx.refresh();
  } catch (e) {
    say(dispatch, (e as Error).message, 'error');
  }
}

function move(ctx: CommandContext, delta: number): void {
  const s = ctx.state;
  const d = ctx.dispatch;
  switch (s.view.name) {
    case 'dashboard':
      return d({ type: 'select', list: 'dashboard', index: Math.min(s.sel.dashboard + delta, dashboardRows(s).length - 1) });
    case 'agents':
      return d({ type: 'select', list: 'agents', index: Math.min(s.sel.agents + delta, running(s).length - 1) });
    case 'plan':
      return d({ type: 'select', list: 'plan', index: Math.min(s.sel.plan + delta, planRows(s).length - 1) });
    case 'settings':
      return d({ type: 'select', list: 'settings', index: Math.min(s.sel.settings + delta, ctx.settings.count() - 1) });
    case 'log': {
      const lines = filteredLog(s.log);
      const body = Math.max(1, s.size.rows - 5);
      const top = s.log.follow ? Math.max(0, lines.length - body) : s.log.cursor;
      const next = Math.max(0, Math.min(lines.length - 1, top + delta));
      return d({ type: 'log', patch: { cursor: next, follow: false } });
    }
    case 'task':
    case 'diff':
    case 'help':
      return d({ type: 'scroll', scroll: s.scroll + delta });
    default:
      return undefined;
  }
}

/** What a key's command does; confirmations and input boxes for anything that loses or merges work. */
export function run(ctx: CommandContext, cmd: Command): void {
  const s = ctx.state;
  const d = ctx.dispatch;
  const sel = selectedTask(s);
  const needTask = (): string | undefined => {
    if (!sel) say(d, 'select a task first (j/k)', 'error');
    return sel?.taskId;
  };
  const confirm = (message: string, pending: Pending) => d({ type: 'modal', modal: { kind: 'confirm', message, pending } });
  const ask = (label: string, pending: Pending, value = '') => d({ type: 'modal', modal: { kind: 'input', label, value, pending } });
  switch (cmd) {
    case 'quit':
      return ctx.quit();
    case 'help':
      return d({ type: 'view', view: { name: 'help', back: s.view.name === 'help' ? s.view.back : s.view } });
    case 'back':
      if (s.view.name === 'agents' && s.view.zoom) return d({ type: 'view', view: { name: 'agents', zoom: null } });
      if ('back' in s.view) return d({ type: 'view', view: s.view.back });
      return s.view.name === 'dashboard' ? undefined : d({ type: 'view', view: { name: 'dashboard' } });
    case 'view.dashboard':
      return d({ type: 'view', view: { name: 'dashboard' } });
    case 'view.agents':
      return d({ type: 'view', view: { name: 'agents', zoom: null } });
    case 'view.plan':
      return d({ type: 'view', view: { name: 'plan' } });
    case 'view.settings':
      return d({ type: 'view', view: { name: 'settings' } });
    case 'next-view': {
      const i = views.indexOf(s.view.name);
      const next = views[(i + 1) % views.length] ?? 'dashboard';
      return d({ type: 'view', view: next === 'agents' ? { name: 'agents', zoom: null } : ({ name: next } as View) });
    }
    case 'up':
    case 'down': {
      const sign = cmd === 'up' ? -1 : 1;
      if (s.view.name === 'agents') {
        const g = paneGrid(s.size.columns, s.size.rows, running(s).length);
        return move(ctx, sign * Math.max(1, g.cols));
      }
      return move(ctx, sign);
    }
    case 'left':
      return move(ctx, -1);
    case 'right':
      return move(ctx, 1);
    case 'page-up':
      return move(ctx, -Math.max(1, s.size.rows - 6));
    case 'page-down':
      return move(ctx, Math.max(1, s.size.rows - 6));
    case 'open': {
      if (s.view.name === 'agents') {
        const r = running(s)[s.sel.agents];
        return r ? d({ type: 'view', view: { name: 'agents', zoom: r.id } }) : undefined;
      }
      if (s.view.name === 'settings') return ctx.settings.open(s.sel.settings);
      const id = needTask();
      if (!id) return undefined;
      d({ type: 'detail', detail: null });
      d({ type: 'view', view: { name: 'task', taskId: id, back: s.view } });
      const c = ctx.client();
      if (c) void taskDetail(c, id).then((detail) => d({ type: 'detail', detail }), (e: Error) => say(d, e.message, 'error'));
      return undefined;
    }
    case 'log': {
      if (!sel) return say(d, 'select a task first (j/k)', 'error');
      const known = s.detail?.task.id === sel.taskId ? s.detail.runs[0] : undefined;
      const runId = sel.runId ?? known?.id;
      if (runId) return ctx.openLog(runId, sel.taskId, known?.id === runId ? known.worktree : undefined);
      const c = ctx.client();
      if (!c) return undefined;
      void taskDetail(c, sel.taskId).then(
        (det) => (det.runs[0] ? ctx.openLog(det.runs[0].id, sel.taskId, det.runs[0].worktree) : say(d, `${sel.taskId} has not run yet`, 'error')),
        (e: Error) => say(d, e.message, 'error'),
      );
      return undefined;
    }
    case 'start-next':
      return ask(`start how many ready tasks (${s.status?.ready ?? 0} ready)`, { kind: 'start-next' }, '1');
    case 'start-selected': {
      const id = needTask();
      return id ? confirm(`start ${id}?`, { kind: 'start', taskId: id }) : undefined;
    }
    case 'pause': {
      const id = needTask();
      return id ? confirm(`pause ${id}? its agent stops; r resumes it`, { kind: 'pause', taskId: id }) : undefined;
    }
    case 'pause-all':
      return confirm('pause everything? running agents stop; nothing new starts until r', { kind: 'pause-all' });
    case 'resume': {
      const c = ctx.client();
      if (!c) return say(d, 'the daemon is not connected', 'error');
      void resumeAll(c).then((o) => (say(d, o.text, 'ok'), ctx.refresh()), (e: Error) => say(d, e.message, 'error'));
      return undefined;
    }
    case 'stop': {
      const id = needTask();
      return id ? confirm(`stop ${id}? its agent ends; the work so far is kept on its branch`, { kind: 'stop', taskId: id }) : undefined;
    }
    case 'retry': {
      const id = needTask();
      if (!id) return undefined;
      if (s.tasks.find((t) => t.id === id)?.status !== 'failed') return say(d, `${id} has not failed; s starts it`, 'error');
      return confirm(`retry ${id}?`, { kind: 'retry', taskId: id });
    }
    case 'guide': {
      const id = needTask();
      return id ? ask(`guidance for ${id} (empty: just continue)`, { kind: 'guide', taskId: id }) : undefined;
    }
    case 'answer': {
      const id = sel?.taskId;
      // The selected task's question, else the oldest open one (the input box names its task).
      const open = s.questions.filter((x) => x.audience !== 'orchestrator');
      const q = open.find((x) => x.taskId === id) ?? open[0];
      if (!q) return say(d, id ? `${id} has no open question` : 'no open question', 'error');
      return ask(`answer ${q.taskId}: ${q.text.replace(/\s+/g, ' ').slice(0, 80)}`, { kind: 'answer', questionId: q.id, taskId: q.taskId });
    }
    case 'diff': {
      const item = s.reviews.find((r) => r.taskId === sel?.taskId) ?? s.reviews[0];
      const id = item?.taskId ?? sel?.taskId;
      if (!id || !item) return say(d, `${id ?? 'nothing selected'} is not waiting for review`, 'error');
      d({ type: 'diff', diff: null });
      d({ type: 'view', view: { name: 'diff', taskId: id, back: s.view } });
      const c = ctx.client();
      if (c) void runDiff(c, item.run.id).then((r) => d({ type: 'diff', diff: { ...diffText(r), reasons: item.decision.reasons } }), (e: Error) => say(d, e.message, 'error'));
      return undefined;
    }
    case 'merge': {
      const item = s.reviews.find((r) => r.taskId === sel?.taskId) ?? (s.reviews.length === 1 ? s.reviews[0] : undefined);
      const id = item?.taskId ?? sel?.taskId;
      if (!id || !item) return say(d, `${id ?? 'nothing selected'} is not waiting for review (d shows a flagged change)`, 'error');
      return confirm(`merge ${id} (flagged ${item.decision.category}) into ${item.run.targetBranch}?`, { kind: 'merge', taskId: id });
    }
    case 'maintain':
      return ask('maintenance kind [module] (e.g. docs, tests, refactor)', { kind: 'maintain' });
    case 'search':
      return ask('search', { kind: 'search' }, s.log.search);
    case 'search-next':
    case 'search-prev': {
      const lines = filteredLog(s.log);
      const from = s.log.follow ? (cmd === 'search-next' ? -1 : lines.length) : s.log.cursor;
      const at = findMatch(lines, s.log.search, from, cmd === 'search-next' ? 1 : -1);
      if (at < 0) return say(d, s.log.search ? `"${s.log.search}" not found` : 'no search yet (/)', 'error');
      return d({ type: 'log', patch: { cursor: at, follow: false } });
    }
    case 'follow':
      return d({ type: 'log', patch: { follow: !s.log.follow } });
    case 'filter': {
      const order = ['all', 'tools', 'errors'] as const;
      return d({ type: 'log', patch: { filter: order[(order.indexOf(s.log.filter) + 1) % order.length] ?? 'all', cursor: 0 } });
    }
    case 'filter-module': {
      const mods = modulesOf(s.tasks);
      const i = s.planFilter.module ? mods.indexOf(s.planFilter.module) : -1;
      return d({ type: 'plan-filter', filter: { module: i + 1 < mods.length ? (mods[i + 1] ?? null) : null } });
    }
    case 'filter-status': {
      const i = s.planFilter.status ? statuses.indexOf(s.planFilter.status) : -1;
      return d({ type: 'plan-filter', filter: { status: i + 1 < statuses.length ? (statuses[i + 1] ?? null) : null } });
    }
    case 'critical':
      return d({ type: 'plan-filter', filter: { critical: !s.planFilter.critical } });
    case 'edit':
      return ctx.settings.open(s.sel.settings);
    default: {
      const never: never = cmd;
      return never;
    }
  }
}

/** Streams a run's whole log into the log view, a frame's worth of lines at a time. */
export async function streamLog(c: Client, runId: string, dispatch: (a: Action) => void, signal: AbortSignal, o: { ascii: boolean; root?: string; frameMs?: number }): Promise<void> {
  let pending: ViewLine[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending.length) dispatch({ type: 'log-lines', lines: pending });
    pending = [];
  };
  try {
    for await (const raw of c.log(runId, true, signal, { events: true })) {
      if (!raw.trim()) continue;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        continue;
      }
      const e = LogEntry.safeParse(json);
      if (!e.success) continue;
      for (const l of logEntryLines(e.data, { ascii: o.ascii, root: o.root, argsMax: 160 })) pending.push(l);
      timer ??= setTimeout(flush, o.frameMs ?? 50);
    }
  } catch (e) {
    if (!signal.aborted) dispatch({ type: 'status-line', text: `log: ${(e as Error).message}`, kind: 'error' });
  } finally {
    if (timer) clearTimeout(timer);
    if (!signal.aborted) {
      flush();
      dispatch({ type: 'log', patch: { loading: false } });
    }
  }
}
