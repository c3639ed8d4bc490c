import { Box, Text } from 'ink';
import { useTheme, useTuiState } from '../context.js';
import { Line } from '../parts.js';
import { criticalPath, planRows } from '../select.js';
import { colorOf, glyph, taskColor, taskMark } from '../theme.js';

export function Plan({ height }: { height: number }) {
  const s = useTuiState();
  const t = useTheme();
  const g = glyph(t);
  const rows = planRows(s);
  const crit = criticalPath(s.tasks);
  const f = s.planFilter;
  const filters = [f.module ? `module ${f.module}` : null, f.status ? `status ${f.status}` : null, f.critical ? 'critical path' : null].filter(Boolean).join(', ');
  const body = height - 2;
  const sel = Math.min(s.sel.plan, Math.max(0, rows.length - 1));
  const start = Math.max(0, Math.min(sel - Math.floor(body / 2), rows.length - body));
  return (
    <Box flexDirection="column" height={height}>
      <Line text={`critical path (${crit.length}): ${crit.join(` ${g.arrow} `) || 'nothing left'}`} color="yellow" />
      <Line text={`filter: ${filters || 'none'}   f module, F status, c critical path, enter shows a task`} dim />
      {rows.length === 0 ? <Line text="no tasks match (f/F/c change the filter)" dim /> : null}
      {rows.slice(start, start + body).map((r, i) => {
        const idx = start + i;
        if (r.kind === 'module') return <Line key={`m-${r.id}`} text={r.label} bold color="cyan" inverse={idx === sel} />;
        const next = rows[idx + 1];
        const branch = !next || next.kind === 'module' ? g.tree.last : g.tree.mid;
        const status = r.status ?? 'not_started';
        return (
          <Text key={r.id} wrap="truncate-end" inverse={idx === sel}>
            {branch} <Text color={colorOf(t, taskColor[status])}>{taskMark(t, status)}</Text> <Text bold={r.critical}>{r.id}</Text> {r.label}
            {r.waitsFor.length ? <Text dimColor={t.color}>  waits for {r.waitsFor.join(', ')}</Text> : null}
            {r.blocks.length ? <Text color={colorOf(t, 'yellow')}>  blocks {r.blocks.join(', ')}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
