import { Box, Text } from 'ink';
import type { Run, RunState } from '../../api/index.js';
import { compact, duration, since, totalTokens } from '../../view/index.js';
import { fit } from '../cells.js';
import { useTheme, useTuiState } from '../context.js';
import { Line } from '../parts.js';
import { needsYou, queued, running } from '../select.js';
import { colorOf, glyph, runMark, type Theme } from '../theme.js';

const steps: RunState[] = ['queued', 'preparing', 'spawning', 'running', 'agent_done', 'committed', 'merging', 'cleanup', 'done'];
/** How far along its states a run is, 0..1 (waiting counts where it waits: after the agent or during it). */
export const progressOf = (r: Run): number => {
  const i = steps.indexOf(r.state === 'waiting' ? (r.commitSha ? 'committed' : 'running') : r.state);
  return i < 0 ? 0 : i / (steps.length - 1);
};

/** Exactly `n` columns (cut with an ellipsis, or padded). */
const pad = (s: string, n: number, ellipsis = '…'): string => fit(s, n, ellipsis);

export function runRow(r: Run, activity: string | null, now: number, width: number, t: Theme, title: string, agent: string): string {
  const g = glyph(t);
  const elapsed = duration(r.startedAt ? since(r.startedAt, now) : null);
  const tok = `${compact(totalTokens(r.usage))} tok`;
  const act = r.state === 'waiting' ? `waiting: ${r.waitingReason ?? ''}` : (activity ?? r.state);
  if (width < 120) {
    // Narrow: the title only where the activity keeps 30 columns (at 80, 16 of a title; at 60, none).
    const titleW = Math.min(24, width - 34 - 30);
    const named = titleW >= 10 ? `${pad(title, titleW, g.ellipsis)} ` : '';
    return `${pad(r.taskId, 14, g.ellipsis)} ${named}${pad(elapsed, 6)} ${pad(tok, 9)} ${act}`;
  }
  return `${pad(r.taskId, 16, g.ellipsis)} ${pad(title, 24, g.ellipsis)} ${pad(agent, 18, g.ellipsis)} ${pad(elapsed, 7)} ${pad(tok, 10)} ${g.bar(progressOf(r), 8)} ${act}`;
}

export function Dashboard({ height }: { height: number }) {
  const s = useTuiState();
  const t = useTheme();
  const width = s.size.columns;
  const run = running(s);
  const needs = needsYou(s);
  const queue = queued(s);
  const titles = new Map(s.tasks.map((x) => [x.id, x]));
  // Rows: 3 section titles; running first, then what needs a person, then the queue in what is left.
  const body = Math.max(3, height - 3);
  const runRows = Math.min(run.length, Math.max(1, Math.ceil(body / 2)));
  const needRows = Math.min(needs.length, Math.max(1, Math.floor((body - runRows) / 2)));
  const queueRows = Math.max(0, body - Math.max(1, runRows) - Math.max(1, needRows));
  const sel = s.sel.dashboard;
  // What a queued task waits for keeps 24 columns; the title gets the rest, up to 30.
  const queueTitleW = Math.min(30, width - 17 - 24);
  const more = (n: number, shown: number) => (n > shown ? `  (+${n - shown} more)` : '');
  return (
    <Box flexDirection="column" height={height}>
      <Line text={`RUNNING ${run.length}${more(run.length, runRows)}`} bold color="cyan" />
      {run.length === 0 ? <Line text="  nothing running; S starts the next ready tasks" dim /> : null}
      {run.slice(0, runRows).map((r, i) => {
        const m = runMark(t, r.state);
        const task = titles.get(r.taskId);
        return (
          <Text key={r.id} wrap="truncate-end" inverse={sel === i}>
            <Text color={colorOf(t, m.color)}>{m.mark} </Text>
            {runRow(r, s.panes[r.id]?.activity ?? null, s.now, width, t, task?.title ?? '', `${r.backend}${task?.model ? `/${task.model}` : ''}`)}
          </Text>
        );
      })}
      <Line text={`NEEDS YOU ${needs.length}${more(needs.length, needRows)}`} bold color={needs.length ? 'magenta' : 'cyan'} />
      {needs.length === 0 ? <Line text="  nothing waits for you" dim /> : null}
      {needs.slice(0, needRows).map((n, i) => (
        <Text key={`${n.kind}-${n.taskId}-${n.questionId ?? ''}`} wrap="truncate-end" inverse={sel === run.length + i}>
          <Text color={colorOf(t, n.kind === 'failed' ? 'red' : 'magenta')}>{pad(n.kind, 9)}</Text>
          {pad(n.taskId, 16, glyph(t).ellipsis)} {n.text.replace(/\s+/g, ' ')}
          <Text dimColor={t.color}>{n.kind === 'review' ? '  (d diff, m merge)' : n.kind === 'question' ? '  (a answer)' : n.kind === 'failed' ? '  (R retry)' : '  (g guide)'}</Text>
        </Text>
      ))}
      <Line text={`QUEUED ${queue.length}${more(queue.length, queueRows)}`} bold color="cyan" />
      {queue.slice(0, queueRows).map((q, i) => (
        <Text key={q.task.id} wrap="truncate-end" inverse={sel === run.length + needs.length + i}>
          {pad(q.task.id, 16, glyph(t).ellipsis)} {queueTitleW >= 10 ? `${pad(q.task.title, queueTitleW, glyph(t).ellipsis)} ` : ''}
          <Text color={colorOf(t, q.waitsFor === 'ready' ? 'green' : undefined)} dimColor={t.color && q.waitsFor !== 'ready'}>
            {q.waitsFor}
          </Text>
        </Text>
      ))}
    </Box>
  );
}
