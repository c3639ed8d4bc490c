import { Box, Text } from 'ink';
import { compact, duration, money, totalTokens } from '../../view/index.js';
import { useTheme, useTuiState } from '../context.js';
import { Line } from '../parts.js';
import { colorOf, taskColor, taskMark } from '../theme.js';

/** A task: description, runs, usage, verification, PR. */
export function TaskScreen({ height }: { height: number }) {
  const s = useTuiState();
  const t = useTheme();
  const d = s.detail;
  if (!d) return <Box height={height}><Line text="loading the task" dim /></Box>;
  const task = d.task;
  const lines: Array<{ text: string; color?: 'red' | 'green' | 'yellow' | 'cyan'; bold?: boolean }> = [];
  lines.push({ text: `${task.file}   priority ${task.priority}   depends on ${task.dependsOn.join(', ') || 'nothing'}` });
  if (task.statusNote) lines.push({ text: `note: ${task.statusNote}`, color: 'yellow' });
  if (task.touches.length) lines.push({ text: `touches: ${task.touches.join(', ')}` });
  lines.push({ text: '' });
  for (const l of task.description.split('\n')) lines.push({ text: l });
  lines.push({ text: '' });
  lines.push({ text: `RUNS ${d.runs.length}`, bold: true, color: 'cyan' });
  for (const r of d.runs) {
    lines.push({
      text: `${r.id}  ${r.state}  ${duration(r.durationMs)}  ${compact(totalTokens(r.usage))} tok ${money(r.usage.costUsd)}  ${r.backend}  ${r.branch}${r.prUrl ? `  PR ${r.prUrl}` : ''}`,
      color: r.state === 'failed' ? 'red' : r.state === 'done' ? 'green' : undefined,
    });
    if (r.error) lines.push({ text: `  error: ${r.error.split('\n')[0] ?? ''}`, color: 'red' });
    if (r.waitingReason) lines.push({ text: `  waiting: ${r.waitingReason}`, color: 'yellow' });
    for (const v of r.verification ?? []) lines.push({ text: `  ${v.kind}: ${v.ok ? 'passed' : v.timedOut ? 'timed out' : 'failed'} in ${(v.durationMs / 1000).toFixed(1)} s (${v.command})`, color: v.ok ? 'green' : 'red' });
  }
  const body = height - 1;
  const top = Math.min(s.scroll, Math.max(0, lines.length - body));
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate-end">
        <Text color={colorOf(t, taskColor[task.status])}>{taskMark(t, task.status)} </Text>
        <Text bold>{task.id}</Text> {task.title} <Text dimColor={t.color}>({task.status}; L log{task.status === 'not_started' ? ', s start' : task.status === 'failed' ? ', R retry' : ''}, esc back)</Text>
      </Text>
      {lines.slice(top, top + body).map((l, i) => (
        <Line key={top + i} text={l.text} color={l.color} bold={l.bold} />
      ))}
    </Box>
  );
}
