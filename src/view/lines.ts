import type { AgentEvent, Event, LogEntry } from '../api/index.js';
import { shorten, toolActivity, toolArgs } from './tools.js';
import { apiRetryText } from '../api/retry.js';

/** How a line is shown; clients choose the color (error: red, tool: yellow, result/info: dim, orch: bold). */
export type LineKind = 'text' | 'tool' | 'result' | 'error' | 'warn' | 'orch' | 'info';

export interface ViewLine {
  kind: LineKind;
  text: string;
  /** `HH:MM:SS` when known. */
  time?: string;
}

export interface LineOptions {
  /** The run's worktree: paths inside it are shown relative. */
  root?: string;
  /** Longest tool-argument summary. */
  argsMax?: number;
  /** ASCII arrows instead of Unicode. */
  ascii?: boolean;
}

const clock = (ts: string): string | undefined => (ts.length >= 19 ? ts.slice(11, 19) : undefined);

/** Readable lines for one agent event, never raw JSON: text as written, tool calls shortened, results folded. */
export function agentEventLines(e: AgentEvent, o: LineOptions = {}): ViewLine[] {
  const to = o.ascii ? '->' : '→';
  const back = o.ascii ? '<-' : '←';
  switch (e.type) {
    case 'text':
      return e.text
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l) => l !== '')
        .map((text) => ({ kind: 'text' as const, text }));
    case 'tool_call': {
      const args = toolArgs(e.name, e.input, { root: o.root, max: o.argsMax });
      return [{ kind: 'tool', text: `${to} ${e.name}${args ? ` ${args}` : ''}` }];
    }
    case 'tool_result': {
      const lines = e.output.split('\n').filter((l) => l.trim() !== '');
      // "File created successfully at: /home/.../worktrees/r1/src/x.ts" reads as the tool call did: src/x.ts.
      const first = shorten(o.root ? (lines[0] ?? '').replaceAll(`${o.root}/`, '') : (lines[0] ?? ''), o.argsMax ?? 80);
      const more = lines.length > 1 ? ` (+${lines.length - 1} lines)` : '';
      if (e.isError) return [{ kind: 'error', text: `${back} error: ${first}${more}` }];
      return [{ kind: 'result', text: lines.length === 0 ? `${back} ok` : `${back} ${first}${more}` }];
    }
    case 'result': {
      const first = shorten(e.text.split('\n').find((l) => l.trim() !== '') ?? '', o.argsMax ?? 120);
      if (!e.ok) return [{ kind: 'error', text: `turn failed${e.subtype ? ` (${e.subtype})` : ''}: ${first || (e.errors ?? []).join('; ')}` }];
      return [{ kind: 'result', text: `turn done${e.numTurns ? ` after ${e.numTurns} turns` : ''}${first ? `: ${first}` : ''}` }];
    }
    case 'error':
      return [{ kind: 'error', text: e.message }];
    case 'retry':
      return [{ kind: 'warn', text: shorten(apiRetryText(e), 160) }];
    case 'session':
      return [{ kind: 'info', text: `session ${e.sessionId.slice(0, 8)}${e.model ? ` ${e.model}` : ''}` }];
    case 'usage':
      return [];
    case 'unparsed':
      return [{ kind: 'info', text: shorten(e.line, o.argsMax ?? 120) }];
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** Readable lines for one entry of a run's log (`GET /api/runs/:id/log?events=1` adds the parsed events `e`). */
export function logEntryLines(entry: LogEntry, o: LineOptions = {}): ViewLine[] {
  const time = clock(entry.t);
  const stamp = (l: ViewLine): ViewLine => (time ? { ...l, time } : l);
  if (entry.s === 'orch') return [stamp({ kind: 'orch', text: entry.l })];
  if (entry.s === 'err') return entry.l.trim() ? [stamp({ kind: 'warn', text: shorten(entry.l, 200) })] : [];
  if (entry.e) return entry.e.flatMap((e) => agentEventLines(e, o)).map(stamp);
  // No parsed events (an older daemon): never print raw JSON, say what kind of line it was.
  const l = entry.l.trim();
  if (!l) return [];
  if (l.startsWith('{')) return [stamp({ kind: 'info', text: `(${shorten(l, 60)})` })];
  return [stamp({ kind: 'text', text: l })];
}

/** Lines for the persisted events of a run (states, waits, questions), for a pane or a feed; none for output. */
export function eventLines(e: Event, o: LineOptions = {}): ViewLine[] {
  const time = clock(e.ts);
  const line = (kind: LineKind, text: string): ViewLine[] => [time ? { kind, text, time } : { kind, text }];
  switch (e.type) {
    case 'run.output':
      return agentEventLines(e.data.event, o).map((l) => (time ? { ...l, time } : l));
    case 'run.state':
      return line(e.data.to === 'failed' ? 'error' : 'orch', `${e.data.from} ${o.ascii ? '->' : '→'} ${e.data.to}${e.data.error ? `: ${e.data.error}` : ''}`);
    case 'run.waiting':
      return 'reason' in e.data ? line('warn', `waiting: ${e.data.reason}`) : line('warn', e.data.all ? 'everything paused' : `paused ${e.data.paused.join(', ')}`);
    case 'run.retry':
      return line('warn', e.data.text);
    case 'run.question':
      return line('warn', `question: ${shorten(e.data.signal.text, 200)}`);
    case 'run.answer':
      return line('orch', `answered by ${e.data.signal.answeredBy ?? '?'}: ${shorten(e.data.signal.answer ?? '', 200)}`);
    case 'run.signal':
      return line(e.data.signal.kind === 'stuck' ? 'warn' : 'orch', `${e.data.signal.kind}: ${shorten(e.data.signal.text, 200)}`);
    case 'run.verified':
      return e.data.results.map((r) => ({ kind: r.ok ? ('result' as const) : ('error' as const), text: `${r.kind} ${r.ok ? 'passed' : r.timedOut ? 'timed out' : 'failed'} (${r.command})`, ...(time ? { time } : {}) }));
    case 'task.status':
      if (e.data.status === 'needs_review') return line('warn', `flagged for review (${e.data.category ?? '?'}): ${e.data.reasons?.[0]?.detail ?? e.data.note ?? ''}`);
      if (e.data.status === 'complete') return line('result', `merged${e.data.mergeCommit ? ` as ${e.data.mergeCommit.slice(0, 10)}` : ''}`);
      if (e.data.status === 'failed') return line('error', `failed: ${e.data.error ?? ''}`);
      return [];
    case 'run.step':
      return line(e.data.status === 'flagged' || e.data.status === 'failed' || e.data.status === 'changes_requested' ? 'warn' : 'orch', `${e.data.step} step: ${e.data.status.replace('_', ' ')}${e.data.agent ? ` (${e.data.agent})` : ''}${e.data.summary ? ` — ${shorten(e.data.summary, 200)}` : ''}`);
    case 'budget.warning':
      return line('warn', e.data.message);
    case 'budget.exceeded':
      return line('error', e.data.message);
    case 'run.usage':
    case 'sync':
    case 'batch.started':
    case 'batch.finished':
    case 'batch.missed':
    case 'daemon.started':
    case 'daemon.stopping':
    case 'worktree.orphan':
      return [];
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The agent's current activity from one of its events; undefined when the event says nothing new. */
export function activityOf(e: AgentEvent, root?: string): string | undefined {
  switch (e.type) {
    case 'tool_call':
      return toolActivity(e.name, e.input, root);
    case 'text':
      return 'writing';
    case 'retry':
      return shorten(apiRetryText(e), 60);
    case 'result':
      return e.ok ? 'turn finished' : 'turn failed';
    case 'error':
      return 'error';
    default:
      return undefined;
  }
}
