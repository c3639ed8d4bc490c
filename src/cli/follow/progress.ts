import type { Event, Status } from '../../api/index.js';
import { bold, dim, duration, green, red, tokens, yellow } from '../format.js';
import { truncate } from '../table.js';
import { out, terminalColumns } from '../io.js';

export interface Progress {
  /** A task the start response already announced. */
  announced: (taskId: string) => void;
  event: (e: Event) => void;
  /** The latest status: redraws the live lines of running tasks on a terminal. */
  status: (s: Status, scope: (taskId: string) => boolean) => void;
  close: () => void;
}

/**
 * One line per event a person cares about (started, merged as abc123, failed: why, waits for you: why) with a
 * running count; the run's internal transitions only with --verbose. On a terminal, a live line per running task
 * (state, elapsed, tokens, what it is doing) is kept under the log and redrawn.
 */
export function createProgress(o: { quiet: boolean; verbose: boolean; total: number }): Progress {
  const started = new Set<string>();
  let merged = 0;
  let liveLines = 0;
  const tty = process.stdout.isTTY === true && !o.quiet;
  const time = (e: Event): string => dim(e.ts.slice(11, 19));

  const clearLive = (): void => {
    if (liveLines > 0) out(`\u001b[${liveLines}A\u001b[J`);
    liveLines = 0;
  };
  let live: string[] = [];
  const drawLive = (): void => {
    if (!tty || live.length === 0) return;
    const cols = terminalColumns() ?? 80;
    out(`${live.map((l) => truncate(l, cols - 1)).join('\n')}\n`);
    liveLines = live.length;
  };
  const line = (text: string): void => {
    if (o.quiet) return;
    clearLive();
    out(`${text}\n`);
    drawLive();
  };
  const count = (): string => (o.total > 0 ? dim(` (${merged} of ${o.total} merged)`) : '');

  return {
    announced: (taskId) => void started.add(taskId),
    event(e) {
      const t = time(e);
      const task = e.taskId ?? '';
      switch (e.type) {
        case 'task.status': {
          const d = e.data;
          if (d.status === 'in_progress' && !started.has(task)) {
            started.add(task);
            line(`${t} started ${bold(task)}${d.continuesRun ? dim(` (continues run ${d.continuesRun})`) : ''}`);
          } else if (d.status === 'complete' && !d.mergeCommit && d.note) {
            merged++;
            line(`${t} ${green('done')} ${bold(task)}: ${d.note}${count()}`);
          } else if (d.status === 'complete') {
            merged++;
            line(`${t} ${green('merged')} ${bold(task)}${d.mergeCommit ? ` as ${d.mergeCommit.slice(0, 7)}` : ''}${count()}`);
          } else if (d.blocked !== undefined) {
            line(`${t} ${yellow('not started')} ${bold(task)}: ${d.blocked}`);
          } else if (o.verbose && d.held !== undefined) line(`${t} ${dim(`${task} ${d.held}`)}`);
          return;
        }
        case 'run.state':
          if (e.data.to === 'failed') line(`${t} ${red('failed')} ${bold(task)}: ${e.data.error ?? 'see orch show'}${dim(`; \`orch start ${task}\` retries`)}`);
          else if (o.verbose) line(`${t} ${dim(`${task} ${e.data.from} -> ${e.data.to}`)}`);
          return;
        case 'run.waiting': {
          const d = e.data;
          if ('paused' in d) {
            line(`${t} ${yellow('paused')}${d.all ? ': no new starts until `orch resume`' : ''}${d.paused.length ? ` (${d.paused.join(', ')})` : ''}`);
            return;
          }
          if (!d.reason) return;
          if (d.reason.startsWith('retrying')) line(`${t} ${yellow(bold(task))} ${d.reason}`);
          else line(`${t} ${bold(task)} ${yellow('waits for you')}: ${d.reason}`);
          return;
        }
        case 'run.retry':
          line(`${t} ${bold(task)} ${yellow(e.data.text)}`);
          return;
        case 'run.question':
          if (o.verbose) line(`${t} ${bold(task)} asked a question`);
          return;
        case 'daemon.stopping':
          line(`${t} ${yellow('the daemon is stopping')}`);
          return;
        default:
          return;
      }
    },
    status(s, scope) {
      if (!tty) return;
      live = s.active
        .filter((r) => scope(r.taskId))
        .map((r) => `  ${dim('›')} ${r.taskId}  ${r.state}  ${duration(r.durationMs)}  ${tokens(r.usage)}${r.activity || r.waitingReason ? `  ${r.activity ?? r.waitingReason}` : ''}`);
      clearLive();
      drawLive();
    },
    close() {
      clearLive();
      live = [];
    },
  };
}
