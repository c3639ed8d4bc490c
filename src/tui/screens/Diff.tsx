import { Box } from 'ink';
import { useTuiState } from '../context.js';
import { Line } from '../parts.js';

/** A flagged change: why it was flagged, then its diff; `m` merges it. */
export function Diff({ height }: { height: number }) {
  const s = useTuiState();
  const d = s.diff;
  const taskId = s.view.name === 'diff' ? s.view.taskId : '';
  if (!d) return <Box height={height}><Line text={`loading the change of ${taskId}`} dim /></Box>;
  const lines = [
    ...d.reasons.map((r) => ({ text: `${r.category}  ${r.file}${r.line ? `:${r.line}` : ''}  ${r.detail}  (${r.rule})`, color: 'magenta' as const })),
    { text: '' },
    ...d.text.split('\n').map((l) => ({ text: l, color: l.startsWith('+') && !l.startsWith('+++') ? ('green' as const) : l.startsWith('-') && !l.startsWith('---') ? ('red' as const) : l.startsWith('@@') ? ('cyan' as const) : undefined })),
    ...(d.truncated ? [{ text: '(diff cut here; git diff shows all of it)', color: 'yellow' as const }] : []),
  ];
  const body = height - 1;
  const top = Math.min(s.scroll, Math.max(0, lines.length - body));
  return (
    <Box flexDirection="column" height={height}>
      <Line text={`flagged change of ${taskId}: ${d.reasons.length} reasons   m merge (asks first), space/b page, esc back`} bold />
      {lines.slice(top, top + body).map((l, i) => (
        <Line key={top + i} text={l.text} color={l.color} />
      ))}
    </Box>
  );
}
